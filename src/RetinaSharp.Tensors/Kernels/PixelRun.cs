namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// A stretch of consecutive output pixels that lies in one output row: row Y, columns X..X+Length, at
/// position Offset within the flattened pixel range it was cut from. Im2col and col2im work run by run,
/// so the inner loops are plain (strided) copies with no per-pixel division or bounds test.
/// </summary>
internal readonly record struct PixelRun(int Y, int X, int Length, int Offset)
{
    /// <summary>Most runs [start, start+count) of a width-wide image can split into.</summary>
    public static int MaxRuns(int count, int width) => count / width + 2;

    /// <summary>Cuts flattened pixels [start, start+count) of rows of the given width into runs; returns how many.</summary>
    public static int Split(int start, int count, int width, Span<PixelRun> runs)
    {
        int n = 0, offset = 0, y = start / width, x = start % width;
        while (offset < count)
        {
            int length = Math.Min(width - x, count - offset);
            runs[n++] = new PixelRun(y, x, length, offset);
            offset += length;
            y++;
            x = 0;
        }
        return n;
    }
}
