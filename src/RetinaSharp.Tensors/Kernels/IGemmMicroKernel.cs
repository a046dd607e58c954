namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// A register-tiled SGEMM micro-kernel and the cache blocking that suits it. Implemented by structs so
/// that the generic blocked driver is compiled once per kernel with every size a constant.
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Rows of C per register tile (the width of a packed A micro-panel).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of C per register tile (the width of a packed B micro-panel).</summary>
    static abstract int NR { get; }

    /// <summary>Depth of a packed block: a B micro-panel (KC×NR) should stay in L1.</summary>
    static abstract int KC { get; }

    /// <summary>Rows of a packed A block (MC×KC), sized for L2. A multiple of MR.</summary>
    static abstract int MC { get; }

    /// <summary>Columns of a packed B panel (KC×NC), sized for L3. A multiple of NR.</summary>
    static abstract int NC { get; }

    /// <summary>
    /// C[MR×NR] = Ã·B̃ + beta·C over kc steps, where Ã holds MR floats per step and B̃ holds NR floats
    /// per step (64-byte aligned). C is not read when beta is 0.
    /// </summary>
    static abstract void Run(int kc, float* a, float* b, float* c, nint ldc, float beta);
}
