namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// One kernel tap (i, j) of a convolution: where it reads relative to an output pixel, and the output
/// columns whose reads land inside the image. Output column x reads input column x·StrideW + OffsetX.
/// </summary>
internal readonly struct ConvTap
{
    public readonly int OffsetY;
    public readonly int OffsetX;
    public readonly int FirstX;
    public readonly int EndX;

    public ConvTap(in Conv2dShape s, int i, int j)
    {
        OffsetY = i * s.DilationH - s.PadH;
        OffsetX = j * s.DilationW - s.PadW;
        // Smallest x with x·stride + offset ≥ 0, and one past the largest with it ≤ W-1.
        FirstX = OffsetX >= 0 ? 0 : (-OffsetX + s.StrideW - 1) / s.StrideW;
        int last = s.InWidth - 1 - OffsetX;
        EndX = last < 0 ? 0 : Math.Min(s.OutWidth, last / s.StrideW + 1);
        if (EndX < FirstX) EndX = FirstX;
    }

    /// <summary>Input row read by output row y, or -1 when it falls in the padding.</summary>
    public int InputRow(int y, in Conv2dShape s)
    {
        int iy = y * s.StrideH + OffsetY;
        return (uint)iy < (uint)s.InHeight ? iy : -1;
    }
}
