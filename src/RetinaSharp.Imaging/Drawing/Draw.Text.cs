namespace RetinaSharp.Imaging.Drawing;

public static partial class Draw
{
    /// <summary>
    /// Draws <paramref name="text"/> in <see cref="BitmapFont"/> with its first cell's top-left corner at
    /// (<paramref name="x"/>, <paramref name="y"/>), every font pixel a <paramref name="scale"/>-sized square.
    /// Only the glyphs' ink is painted; '\n' starts a new line below, back at <paramref name="x"/>.
    /// </summary>
    public static void Text(RgbImage image, ReadOnlySpan<char> text, int x, int y, RgbColor color, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        long cellX = x, cellY = y;
        long cellWidth = (long)BitmapFont.CellWidth * scale, cellHeight = (long)BitmapFont.CellHeight * scale;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                cellX = x;
                cellY += cellHeight;
                continue;
            }
            bool visible = cellX < image.Width && cellX + cellWidth > 0 && cellY < image.Height && cellY + cellHeight > 0;
            if (visible && c != ' ') DrawGlyph(image, c, cellX, cellY, color, scale);
            cellX += cellWidth;
        }
    }

    private static void DrawGlyph(RgbImage image, char c, long cellX, long cellY, RgbColor color, int scale)
    {
        var rows = BitmapFont.GlyphRowsOf(c);
        for (int r = 0; r < rows.Length; r++)
        {
            int bits = rows[r];
            if (bits == 0) continue;
            // Glyph row r is cell row r + 1: the top row of the cell is spacing.
            long top = cellY + (r + 1L) * scale;
            for (int col = 0; col < 5; col++)
            {
                if ((bits & (0x10 >> col)) == 0) continue;
                long left = cellX + (long)col * scale;
                FillClipped(image, left, top, left + scale, top + scale, color);
            }
        }
    }
}
