namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// op(A) packed once, in full, into the layout the driver consumes block by block: for each depth block
/// p0 (multiples of KC) the micro-panels of all rows follow each other. Used when one A multiplies many
/// B panels (convolution weights over a batch or over column chunks) so packing is not repeated.
/// </summary>
internal readonly unsafe struct PrepackedA : IGemmASource
{
    private readonly float* _data;
    private readonly int _paddedRows;

    private PrepackedA(float* data, int paddedRows)
    {
        _data = data;
        _paddedRows = paddedRows;
    }

    public bool NeedsScratch => false;

    /// <summary>Floats needed to prepack an m×k operand for micro-panels of width mr.</summary>
    public static long Size(int m, int k, int mr) => (long)((m + mr - 1) / mr * mr) * k;

    /// <summary>Packs X[0..m, 0..k) into <paramref name="buffer"/> (at least <see cref="Size"/> floats).</summary>
    public static PrepackedA Create<TOperand>(in TOperand operand, int m, int k, int mr, int kcBlock, float* buffer)
        where TOperand : unmanaged, IGemmOperand
    {
        int paddedRows = (m + mr - 1) / mr * mr;
        TOperand op = operand;
        for (int p0 = 0; p0 < k; p0 += kcBlock)
        {
            int kc = Math.Min(kcBlock, k - p0);
            op.Pack(buffer + (long)p0 * paddedRows, 0, m, p0, kc, mr);
        }
        return new PrepackedA(buffer, paddedRows);
    }

    /// <summary>A view of an operand already packed by <see cref="Create"/> into <paramref name="buffer"/>.</summary>
    public static PrepackedA View(float* buffer, int m, int mr) => new(buffer, (m + mr - 1) / mr * mr);

    public float* Block(int i0, int mc, int p0, int kc, int mr, float* scratch) =>
        _data + (long)p0 * _paddedRows + (long)(i0 / mr) * kc * mr;
}
