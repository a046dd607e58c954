namespace RetinaSharp.Tensors.Kernels;

/// <summary>The instruction-set paths of the SGEMM micro-kernels.</summary>
public enum GemmIsa
{
    /// <summary>System.Numerics.Vector&lt;float&gt;, any hardware.</summary>
    Portable,

    /// <summary>AVX2 with FMA3, 6×16 register tile.</summary>
    Avx2,

    /// <summary>AVX-512F, 8×48 register tile.</summary>
    Avx512,
}
