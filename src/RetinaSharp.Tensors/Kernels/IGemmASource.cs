namespace RetinaSharp.Tensors.Kernels;

/// <summary>Where the GEMM driver gets packed A blocks: packed on demand, or from a matrix packed in advance.</summary>
internal unsafe interface IGemmASource
{
    /// <summary>
    /// The packed block of op(A) rows [i0, i0+mc) and depth [p0, p0+kc) in micro-panels of width mr
    /// (i0 a multiple of mr, p0 a multiple of the kernel's KC), packing into scratch when needed.
    /// </summary>
    float* Block(int i0, int mc, int p0, int kc, int mr, float* scratch);

    /// <summary>False when blocks are served from memory packed in advance, so no scratch is needed.</summary>
    bool NeedsScratch { get; }
}
