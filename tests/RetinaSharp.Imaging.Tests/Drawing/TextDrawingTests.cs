using RetinaSharp.Imaging.Drawing;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Drawing;

public sealed class TextDrawingTests
{
    private static readonly RgbColor Ink = new(0, 255, 0);

    private static HashSet<(int X, int Y)> Rendered(string text, int x, int y, int scale = 1, int width = 40, int height = 30)
    {
        var image = new RgbImage(width, height);
        Draw.Text(image, text, x, y, Ink, scale);
        return Canvas.Changed(image, RgbColor.Black);
    }

    [Fact]
    public void Glyphs_land_in_their_cells_at_the_designed_rows()
    {
        // '-' is the middle body row (cell row 4), '.' a 2x2 dot at columns 1-2 on cell rows 6-7,
        // '|' column 2 over the whole body (rows 1-7), '_' the descender row (row 8) across the glyph width.
        Assert.Equal(Canvas.Block(3, 9, 8, 10), Rendered("-", 3, 5));
        Assert.Equal(Canvas.Block(4, 11, 6, 13), Rendered(".", 3, 5));
        Assert.Equal(Canvas.Block(5, 6, 6, 13), Rendered("|", 3, 5));
        Assert.Equal(Canvas.Block(3, 13, 8, 14), Rendered("_", 3, 5));
        // The second character's cell starts 6 pixels to the right.
        Assert.Equal(Canvas.Block(9, 9, 14, 10), Rendered(" -", 3, 5));
        // Scale 2 doubles everything, including the cell offsets.
        Assert.Equal(Canvas.Block(2 + 2, 2 + 12, 2 + 6, 2 + 16), Rendered(".", 2, 2, scale: 2));
    }

    [Fact]
    public void Letters_have_their_designed_shapes()
    {
        // 'T': a full top bar on body row 1 and the stem in column 2 below it.
        var expected = Canvas.Block(0, 1, 5, 2);
        expected.UnionWith(Canvas.Block(2, 2, 3, 8));
        Assert.Equal(expected, Rendered("T", 0, 0));
        // 'L': column 0 over the body and the bottom bar on row 7.
        expected = Canvas.Block(0, 1, 1, 8);
        expected.UnionWith(Canvas.Block(0, 7, 5, 8));
        Assert.Equal(expected, Rendered("L", 0, 0));
        // 'H': both sides and the bar on row 4.
        expected = Canvas.Block(0, 1, 1, 8);
        expected.UnionWith(Canvas.Block(4, 1, 5, 8));
        expected.UnionWith(Canvas.Block(0, 4, 5, 5));
        Assert.Equal(expected, Rendered("H", 0, 0));
    }

    [Fact]
    public void Every_printable_character_has_a_distinct_non_empty_glyph_inside_its_cell()
    {
        var seen = new Dictionary<string, char>();
        for (char c = '!'; c <= '~'; c++)
        {
            var pixels = Rendered(c.ToString(), 0, 0, width: 6, height: 9);
            Assert.NotEmpty(pixels);
            Assert.All(pixels, p => Assert.True(p.X < 5 && p.Y >= 1, $"'{c}' inks the spacing at {p}"));
            var key = string.Join(";", pixels.OrderBy(p => p.Y).ThenBy(p => p.X));
            Assert.False(seen.TryGetValue(key, out var twin), $"'{c}' looks like '{twin}'");
            seen[key] = c;
            for (int y = 0; y < 9; y++)
                for (int x = 0; x < 6; x++) Assert.Equal(pixels.Contains((x, y)), BitmapFont.IsInk(c, x, y));
        }
        Assert.Empty(Rendered(" ", 0, 0));
        Assert.Equal(Rendered("?", 5, 5), Rendered("\u00e9", 5, 5));
    }

    [Fact]
    public void Newlines_and_measurement()
    {
        Assert.Equal((18, 9), BitmapFont.Measure("abc"));
        Assert.Equal((48, 36), BitmapFont.Measure("ab\nabcd", 2));
        Assert.Equal((0, 0), BitmapFont.Measure(""));
        var twoLines = Rendered("-\n-", 3, 5);
        var expected = Canvas.Block(3, 9, 8, 10);
        expected.UnionWith(Canvas.Block(3, 18, 8, 19));
        Assert.Equal(expected, twoLines);
    }

    [Fact]
    public void Text_clips_at_every_border()
    {
        var full = Rendered("W", 10, 10);
        var shifted = Rendered("W", -3, -4);
        var expected = full.Select(p => (X: p.X - 13, Y: p.Y - 14)).Where(p => p.X >= 0 && p.Y >= 0).ToHashSet();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, shifted);
        Assert.Empty(Rendered("hello", 1000, 5));
        Assert.Empty(Rendered("hello", -1000, 5));
        Assert.Empty(Rendered("hello", int.MinValue, int.MaxValue));
        var right = Rendered("MMMMMMMMMM", 30, 0);
        Assert.All(right, p => Assert.InRange(p.X, 30, 39));
        Assert.NotEmpty(right);
    }

    [Fact]
    public void Labelled_box_puts_the_tab_above_the_box()
    {
        var red = new RgbColor(255, 0, 0);
        var image = new RgbImage(80, 60);
        Draw.LabelledBox(image, 10, 30, 40, 50, "ab", red, thickness: 2);
        // Tab: 2 cells + 1 pixel = 13 wide, 9 + 1 = 10 tall, directly above the box; red has low luma so ink is white.
        var tab = Canvas.Block(10, 20, 23, 30);
        var white = new HashSet<(int, int)>();
        foreach (var (x, y) in tab)
        {
            var c = Canvas.At(image, x, y);
            Assert.True(c == red || c == RgbColor.White, $"tab pixel ({x},{y}) is {c}");
            if (c == RgbColor.White) white.Add((x, y));
        }
        // The text starts one pixel in from the tab's left edge.
        var text = new RgbImage(80, 60);
        Draw.Text(text, "ab", 11, 20, RgbColor.White);
        Assert.Equal(Canvas.Changed(text, RgbColor.Black), white);
        Assert.Equal(red, Canvas.At(image, 10, 30));
        Assert.Equal(red, Canvas.At(image, 39, 49));
        Assert.Equal(RgbColor.Black, Canvas.At(image, 20, 40));
        Assert.Equal(RgbColor.Black, Canvas.At(image, 23, 25)); // just right of the tab
        Assert.Equal(RgbColor.Black, Canvas.At(image, 15, 19)); // just above it
    }

    [Fact]
    public void Labelled_box_tab_moves_inside_at_the_top_and_left_at_the_right_edge()
    {
        var yellow = new RgbColor(255, 255, 0); // bright: black ink
        var image = new RgbImage(80, 60);
        Draw.LabelledBox(image, 70, 4, 79, 30, "x1", yellow, thickness: 1);
        // No room above (4 < 10): the tab starts at the box top; 13 wide, it is shifted to end at the image edge.
        Assert.Equal(yellow, Canvas.At(image, 67, 4));
        Assert.Equal(yellow, Canvas.At(image, 67, 13));
        Assert.Equal(RgbColor.Black, Canvas.At(image, 66, 4));
        Assert.Equal(RgbColor.Black, Canvas.At(image, 67, 3));
        var ink = new RgbImage(80, 60);
        Draw.Text(ink, "x1", 68, 4, RgbColor.White);
        foreach (var (x, y) in Canvas.Changed(ink, RgbColor.Black)) Assert.Equal(RgbColor.Black, Canvas.At(image, x, y));

        // A box starting above the image keeps its tab at the top row.
        image = new RgbImage(80, 60);
        Draw.LabelledBox(image, 5, -20, 30, 20, "y", yellow);
        Assert.Equal(yellow, Canvas.At(image, 5, 0));
        Assert.Equal(yellow, Canvas.At(image, 5, 9));
    }

    [Fact]
    public void Labelled_box_outside_or_with_NaN_draws_nothing()
    {
        var image = new RgbImage(40, 30);
        Draw.LabelledBox(image, 100, 100, 120, 120, "far", RgbColor.White);
        Draw.LabelledBox(image, -50, 5, -10, 20, "left", RgbColor.White);
        Draw.LabelledBox(image, float.NaN, 5, 10, 20, "nan", RgbColor.White);
        Draw.LabelledBox(image, 5, 5, 10, float.NaN, "nan", RgbColor.White);
        Assert.Empty(Canvas.Changed(image, RgbColor.Black));
    }
}
