using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Register-tiled inner kernels: C[MR×NR] += Σ_p a[p·MR + i] · b[p·NR + j] over packed panels.
/// The accumulators live in registers for the whole k loop; each step loads NR floats of B and
/// broadcasts MR floats of A.
/// </summary>
internal static unsafe class GemmMicroKernels
{
    public const int Avx512Mr = 12, Avx512Nr = 32;
    public const int Avx2Mr = 6, Avx2Nr = 16;

    /// <summary>12×32 tile with 24 zmm accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx512(int kc, float* a, float* b, float* c, int ldc)
    {
        var c00 = Vector512<float>.Zero; var c01 = Vector512<float>.Zero;
        var c10 = Vector512<float>.Zero; var c11 = Vector512<float>.Zero;
        var c20 = Vector512<float>.Zero; var c21 = Vector512<float>.Zero;
        var c30 = Vector512<float>.Zero; var c31 = Vector512<float>.Zero;
        var c40 = Vector512<float>.Zero; var c41 = Vector512<float>.Zero;
        var c50 = Vector512<float>.Zero; var c51 = Vector512<float>.Zero;
        var c60 = Vector512<float>.Zero; var c61 = Vector512<float>.Zero;
        var c70 = Vector512<float>.Zero; var c71 = Vector512<float>.Zero;
        var c80 = Vector512<float>.Zero; var c81 = Vector512<float>.Zero;
        var c90 = Vector512<float>.Zero; var c91 = Vector512<float>.Zero;
        var ca0 = Vector512<float>.Zero; var ca1 = Vector512<float>.Zero;
        var cb0 = Vector512<float>.Zero; var cb1 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Avx512F.LoadAlignedVector512(b);
            var b1 = Avx512F.LoadAlignedVector512(b + 16);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c00 = Avx512F.FusedMultiplyAdd(x, b0, c00); c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Avx512F.FusedMultiplyAdd(x, b0, c10); c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Avx512F.FusedMultiplyAdd(x, b0, c20); c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Avx512F.FusedMultiplyAdd(x, b0, c30); c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Avx512F.FusedMultiplyAdd(x, b0, c40); c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Avx512F.FusedMultiplyAdd(x, b0, c50); c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Avx512F.FusedMultiplyAdd(x, b0, c60); c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Avx512F.FusedMultiplyAdd(x, b0, c70); c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(a[8]); c80 = Avx512F.FusedMultiplyAdd(x, b0, c80); c81 = Avx512F.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(a[9]); c90 = Avx512F.FusedMultiplyAdd(x, b0, c90); c91 = Avx512F.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(a[10]); ca0 = Avx512F.FusedMultiplyAdd(x, b0, ca0); ca1 = Avx512F.FusedMultiplyAdd(x, b1, ca1);
            x = Vector512.Create(a[11]); cb0 = Avx512F.FusedMultiplyAdd(x, b0, cb0); cb1 = Avx512F.FusedMultiplyAdd(x, b1, cb1);
            a += Avx512Mr;
            b += Avx512Nr;
        }
        Add512(c, c00, c01); c += ldc; Add512(c, c10, c11); c += ldc; Add512(c, c20, c21); c += ldc;
        Add512(c, c30, c31); c += ldc; Add512(c, c40, c41); c += ldc; Add512(c, c50, c51); c += ldc;
        Add512(c, c60, c61); c += ldc; Add512(c, c70, c71); c += ldc; Add512(c, c80, c81); c += ldc;
        Add512(c, c90, c91); c += ldc; Add512(c, ca0, ca1); c += ldc; Add512(c, cb0, cb1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add512(float* c, Vector512<float> v0, Vector512<float> v1)
    {
        Avx512F.Store(c, Avx512F.Add(Avx512F.LoadVector512(c), v0));
        Avx512F.Store(c + 16, Avx512F.Add(Avx512F.LoadVector512(c + 16), v1));
    }

    /// <summary>6×16 tile with 12 ymm accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx2(int kc, float* a, float* b, float* c, int ldc)
    {
        var c00 = Vector256<float>.Zero; var c01 = Vector256<float>.Zero;
        var c10 = Vector256<float>.Zero; var c11 = Vector256<float>.Zero;
        var c20 = Vector256<float>.Zero; var c21 = Vector256<float>.Zero;
        var c30 = Vector256<float>.Zero; var c31 = Vector256<float>.Zero;
        var c40 = Vector256<float>.Zero; var c41 = Vector256<float>.Zero;
        var c50 = Vector256<float>.Zero; var c51 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Avx.LoadAlignedVector256(b);
            var b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> x;
            x = Vector256.Create(a[0]); c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
            a += Avx2Mr;
            b += Avx2Nr;
        }
        Add256(c, c00, c01); c += ldc; Add256(c, c10, c11); c += ldc; Add256(c, c20, c21); c += ldc;
        Add256(c, c30, c31); c += ldc; Add256(c, c40, c41); c += ldc; Add256(c, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add256(float* c, Vector256<float> v0, Vector256<float> v1)
    {
        Avx.Store(c, Avx.Add(Avx.LoadVector256(c), v0));
        Avx.Store(c + 8, Avx.Add(Avx.LoadVector256(c + 8), v1));
    }

    /// <summary>Portable 4 × (2·VL) tile on System.Numerics.Vector.</summary>
    public static int PortableMr => 4;
    public static int PortableNr => 2 * Vector<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Portable(int kc, float* a, float* b, float* c, int ldc)
    {
        int vl = Vector<float>.Count;
        var c00 = Vector<float>.Zero; var c01 = Vector<float>.Zero;
        var c10 = Vector<float>.Zero; var c11 = Vector<float>.Zero;
        var c20 = Vector<float>.Zero; var c21 = Vector<float>.Zero;
        var c30 = Vector<float>.Zero; var c31 = Vector<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Unsafe.Read<Vector<float>>(b);
            var b1 = Unsafe.Read<Vector<float>>(b + vl);
            c00 += new Vector<float>(a[0]) * b0; c01 += new Vector<float>(a[0]) * b1;
            c10 += new Vector<float>(a[1]) * b0; c11 += new Vector<float>(a[1]) * b1;
            c20 += new Vector<float>(a[2]) * b0; c21 += new Vector<float>(a[2]) * b1;
            c30 += new Vector<float>(a[3]) * b0; c31 += new Vector<float>(a[3]) * b1;
            a += 4;
            b += 2 * vl;
        }
        AddV(c, vl, c00, c01); c += ldc; AddV(c, vl, c10, c11); c += ldc;
        AddV(c, vl, c20, c21); c += ldc; AddV(c, vl, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddV(float* c, int vl, Vector<float> v0, Vector<float> v1)
    {
        Unsafe.Write(c, Unsafe.Read<Vector<float>>(c) + v0);
        Unsafe.Write(c + vl, Unsafe.Read<Vector<float>>(c + vl) + v1);
    }
}
