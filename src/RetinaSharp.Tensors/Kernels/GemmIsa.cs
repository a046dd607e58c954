namespace RetinaSharp.Tensors.Kernels;

/// <summary>The instruction set a GEMM micro-kernel is written for.</summary>
public enum GemmIsa
{
    Portable,
    Avx2,
    Avx512,
}
