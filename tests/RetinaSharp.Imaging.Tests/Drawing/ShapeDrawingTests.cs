using RetinaSharp.Imaging.Drawing;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Drawing;

public sealed class ShapeDrawingTests
{
    private static readonly RgbColor Red = new(255, 0, 0);

    [Fact]
    public void Rectangle_outline_is_drawn_inward_with_its_thickness()
    {
        var image = new RgbImage(20, 16);
        Draw.Rectangle(image, 3, 4, 12, 10, Red, thickness: 2);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 20; x++)
            {
                bool inBox = x >= 3 && x < 12 && y >= 4 && y < 10;
                bool onOutline = inBox && (x < 5 || x >= 10 || y < 6 || y >= 8);
                Assert.True(onOutline == (Canvas.At(image, x, y) == Red), $"pixel ({x},{y})");
            }
    }

    [Fact]
    public void Box_edges_round_to_pixel_boundaries()
    {
        var image = new RgbImage(10, 10);
        Draw.FillRectangle(image, 2.4f, 2.6f, 5.5f, 5.49f, Red);
        Assert.Equal(Canvas.Block(2, 3, 6, 5), Canvas.Changed(image, RgbColor.Black));

        // Inverted corners describe the same box; a zero-size box still covers one pixel.
        var swapped = new RgbImage(10, 10);
        Draw.FillRectangle(swapped, 5.5f, 5.49f, 2.4f, 2.6f, Red);
        Assert.Equal(image.Pixels, swapped.Pixels);
        var dot = new RgbImage(10, 10);
        Draw.Rectangle(dot, 7.2f, 1.2f, 7.2f, 1.2f, Red, thickness: 3);
        Assert.Equal(Canvas.Block(7, 1, 8, 2), Canvas.Changed(dot, RgbColor.Black));
    }

    [Fact]
    public void Shapes_clip_at_the_borders()
    {
        var image = new RgbImage(12, 8);
        Draw.FillRectangle(image, -5, -5, 4, 3, Red);
        Assert.Equal(Canvas.Block(0, 0, 4, 3), Canvas.Changed(image, RgbColor.Black));

        image = new RgbImage(12, 8);
        Draw.FillRectangle(image, float.NegativeInfinity, 2, float.PositiveInfinity, 4, Red);
        Assert.Equal(Canvas.Block(0, 2, 12, 4), Canvas.Changed(image, RgbColor.Black));

        image = new RgbImage(12, 8);
        Draw.Rectangle(image, -3, -3, 100, 6, Red, thickness: 4);
        // Only the bottom band (rows 2..5) and, at x < 1, the left band are inside the image; the right band is not.
        var expected = Canvas.Block(0, 2, 12, 6);
        expected.UnionWith(Canvas.Block(0, 0, 1, 6));
        expected.UnionWith(Canvas.Block(0, 0, 12, 1));
        Assert.Equal(expected, Canvas.Changed(image, RgbColor.Black));

        image = new RgbImage(12, 8);
        Draw.Rectangle(image, 30, 30, 40, 40, Red, 3);
        Draw.FillRectangle(image, -40, -40, -30, -30, Red);
        Draw.Rectangle(image, -1e30f, -1e30f, -1e29f, 1e30f, Red, 1000);
        Draw.Rectangle(image, float.NaN, 1, 5, 5, Red);
        Draw.FillRectangle(image, 1, 1, 5, float.NaN, Red);
        Draw.Line(image, 0, 0, float.NaN, 3, Red);
        Assert.Empty(Canvas.Changed(image, RgbColor.Black));
    }

    [Fact]
    public void Fill_with_opacity_blends()
    {
        var image = Canvas.Filled(4, 4, 100);
        Draw.FillRectangle(image, 0, 0, 2, 4, RgbColor.White, opacity: 0.5f);
        Draw.FillRectangle(image, 2, 0, 3, 4, new RgbColor(0, 200, 50), opacity: 0.25f);
        Draw.FillRectangle(image, 3, 0, 4, 2, Red, opacity: 0f);
        Draw.FillRectangle(image, 3, 2, 4, 4, Red, opacity: float.NaN);
        // Within one step of old + (new - old) * opacity.
        Assert.InRange(Canvas.At(image, 0, 0).R, 177, 178);
        var quarter = Canvas.At(image, 2, 3);
        Assert.InRange(quarter.R, 74, 76);   // 100 - 25
        Assert.InRange(quarter.G, 124, 126); // 100 + 25
        Assert.InRange(quarter.B, 87, 89);   // 100 - 12.5
        Assert.Equal(new RgbColor(100, 100, 100), Canvas.At(image, 3, 0));
        Assert.Equal(new RgbColor(100, 100, 100), Canvas.At(image, 3, 3));
        Draw.FillRectangle(image, 0, 0, 1, 1, Red, opacity: 7f); // clamped to opaque
        Assert.Equal(Red, Canvas.At(image, 0, 0));
    }

    [Fact]
    public void Lines_follow_Bresenham()
    {
        var image = new RgbImage(10, 10);
        Draw.Line(image, 2, 3, 8, 3, Red);
        Assert.Equal(Canvas.Block(2, 3, 9, 4), Canvas.Changed(image, RgbColor.Black));

        image = new RgbImage(10, 10);
        Draw.Line(image, 5, 5, 0, 0, Red);
        Assert.Equal(new HashSet<(int, int)> { (0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5) }, Canvas.Changed(image, RgbColor.Black));

        // Steep: x = 1 + (y - 1) / 5 rounded to the nearest column.
        image = new RgbImage(10, 10);
        Draw.Line(image, 1, 1, 2, 6, Red);
        Assert.Equal(new HashSet<(int, int)> { (1, 1), (1, 2), (1, 3), (2, 4), (2, 5), (2, 6) }, Canvas.Changed(image, RgbColor.Black));

        image = new RgbImage(10, 10);
        Draw.Line(image, 2, 4, 6, 4, Red, thickness: 3);
        Assert.Equal(Canvas.Block(1, 3, 8, 6), Canvas.Changed(image, RgbColor.Black));
    }

    [Fact]
    public void Lines_clip_however_far_their_ends_are()
    {
        var image = new RgbImage(20, 10);
        Draw.Line(image, -1000, 5, 1000, 5, Red);
        Assert.Equal(Canvas.Block(0, 5, 20, 6), Canvas.Changed(image, RgbColor.Black));

        image = new RgbImage(20, 10);
        Draw.Line(image, -1e30f, -1e30f, float.PositiveInfinity, float.PositiveInfinity, Red);
        var diagonal = new HashSet<(int, int)>();
        for (int i = 0; i < 10; i++) diagonal.Add((i, i));
        Assert.Equal(diagonal, Canvas.Changed(image, RgbColor.Black));

        // A 5-pixel pen two rows above the image reaches into row 0; three rows above it misses.
        image = new RgbImage(20, 10);
        Draw.Line(image, -50, -2, 100, -2, Red, thickness: 5);
        Assert.Equal(Canvas.Block(0, 0, 20, 1), Canvas.Changed(image, RgbColor.Black));
        image = new RgbImage(20, 10);
        Draw.Line(image, -50, -3, 100, -3, Red, thickness: 5);
        Assert.Empty(Canvas.Changed(image, RgbColor.Black));
        Assert.Throws<ArgumentOutOfRangeException>(() => Draw.Line(image, 0, 0, 1, 1, Red, Draw.MaxLineThickness + 1));
    }

    [Fact]
    public void Class_palette_colours_are_distinct_and_saturated()
    {
        var colours = new RgbColor[20];
        for (int i = 0; i < colours.Length; i++) colours[i] = ClassPalette.ColorFor(i);
        for (int i = 0; i < colours.Length; i++)
        {
            var c = colours[i];
            int max = Math.Max(c.R, Math.Max(c.G, c.B)), min = Math.Min(c.R, Math.Min(c.G, c.B));
            Assert.True(max >= 192 && max - min >= 128, $"colour {i} = {c} is dull");
            for (int j = 0; j < i; j++)
            {
                var d = colours[j];
                double distance = Math.Sqrt(Math.Pow(c.R - d.R, 2) + Math.Pow(c.G - d.G, 2) + Math.Pow(c.B - d.B, 2));
                Assert.True(distance >= 80, $"colours {j} {d} and {i} {c} are only {distance:F0} apart");
            }
        }
        Assert.Equal(new RgbColor(255, 0, 0), ClassPalette.ColorFor(0));
        Assert.Equal(ClassPalette.ColorFor(7), ClassPalette.ColorFor(7));
        Assert.NotEqual(ClassPalette.ColorFor(100), ClassPalette.ColorFor(101));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassPalette.ColorFor(-1));
    }
}
