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

    /// <summary>
    /// Packs X[0..m, 0..k) into <paramref name="buffer"/> (at least <see cref="Size"/> floats), in
    /// parallel over depth blocks and groups of micro-panels when it is large enough to be worth it.
    /// </summary>
    public static PrepackedA Create<TOperand>(in TOperand operand, int m, int k, int mr, int kcBlock, float* buffer)
        where TOperand : unmanaged, IGemmOperand
    {
        int paddedRows = (m + mr - 1) / mr * mr;
        int kBlocks = (k + kcBlock - 1) / kcBlock, mPanels = paddedRows / mr;
        // Enough units to balance the threads, none so small that dispatch dominates.
        int panelGroups = Math.Clamp(16 / kBlocks, 1, mPanels);
        var body = new PackUnits<TOperand>
        {
            Operand = operand, Buffer = buffer, M = m, K = k, Mr = mr, KcBlock = kcBlock,
            PanelGroups = panelGroups, Panels = mPanels,
        };
        int units = kBlocks * panelGroups;
        if ((long)paddedRows * k < ParallelThreshold) body.Execute(0, units);
        else KernelThreads.For(units, 1, body);
        return new PrepackedA(buffer, paddedRows);
    }

    /// <summary>Below this many floats packing runs on the calling thread.</summary>
    private const long ParallelThreshold = 1L << 16;

    /// <summary>A view of an operand already packed by <see cref="Create"/> into <paramref name="buffer"/>.</summary>
    public static PrepackedA View(float* buffer, int m, int mr) => new(buffer, (m + mr - 1) / mr * mr);

    public float* Block(int i0, int mc, int p0, int kc, int mr, float* scratch) =>
        _data + (long)p0 * _paddedRows + (long)(i0 / mr) * kc * mr;

    private struct PackUnits<TOperand> : IParallelRange where TOperand : unmanaged, IGemmOperand
    {
        public TOperand Operand;
        public float* Buffer;
        public int M, K, Mr, KcBlock, PanelGroups, Panels;

        public readonly void Execute(int start, int end)
        {
            TOperand op = Operand;
            int paddedRows = Panels * Mr;
            for (int unit = start; unit < end; unit++)
            {
                int block = unit / PanelGroups, group = unit % PanelGroups;
                int p0 = block * KcBlock, kc = Math.Min(KcBlock, K - p0);
                int firstPanel = (int)((long)Panels * group / PanelGroups);
                int endPanel = (int)((long)Panels * (group + 1) / PanelGroups);
                int row0 = firstPanel * Mr, rows = Math.Min(M, endPanel * Mr) - row0;
                if (rows <= 0) continue;
                op.Pack(Buffer + (long)p0 * paddedRows + (long)firstPanel * kc * Mr, row0, rows, p0, kc, Mr);
            }
        }
    }
}
