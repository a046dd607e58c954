using System.Runtime.CompilerServices;

namespace RetinaSharp.Tensors;

/// <summary>Copies between tensors of equal shape and any strides, a contiguous inner run at a time.</summary>
internal static unsafe class StridedCopy
{
    public static void Copy(Tensor src, Tensor dst)
    {
        if (src.DType != dst.DType) throw new ArgumentException($"Cannot copy {src.DType} into {dst.DType}.");
        if (!src.SameShape(dst)) throw new ArgumentException($"Cannot copy shape {Tensor.FormatShape(src.Shape)} into {Tensor.FormatShape(dst.Shape)}.");
        int es = src.DType.ElementSize();
        byte* s = (byte*)src.DataPointer, d = (byte*)dst.DataPointer;
        if (src.IsContiguous && dst.IsContiguous)
        {
            Buffer.MemoryCopy(s, d, src.NumElements * es, src.NumElements * es);
            return;
        }
        Span<int> shape = stackalloc int[Math.Max(src.Rank, 1)];
        Span<long> ss = stackalloc long[Math.Max(src.Rank, 1)];
        Span<long> ds = stackalloc long[Math.Max(src.Rank, 1)];
        int rank = Coalesce(src.Shape, src.Strides, dst.Strides, shape, ss, ds);
        if (src.NumElements == 0) return;
        int inner = shape[rank - 1];
        long sIn = ss[rank - 1], dIn = ds[rank - 1];
        long outer = 1;
        for (int i = 0; i < rank - 1; i++) outer *= shape[i];
        Span<int> idx = stackalloc int[Math.Max(rank, 1)];
        idx.Clear();
        long so = 0, dof = 0;
        for (long o = 0; o < outer; o++)
        {
            if (es == 4) CopyRun((int*)(s + so * 4), sIn, (int*)(d + dof * 4), dIn, inner);
            else if (es == 8) CopyRun((long*)(s + so * 8), sIn, (long*)(d + dof * 8), dIn, inner);
            else CopyRun(s + so, sIn, d + dof, dIn, inner);
            for (int k = rank - 2; k >= 0; k--)
            {
                idx[k]++;
                so += ss[k];
                dof += ds[k];
                if (idx[k] < shape[k]) break;
                so -= ss[k] * shape[k];
                dof -= ds[k] * shape[k];
                idx[k] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun<T>(T* s, long sStride, T* d, long dStride, int n) where T : unmanaged
    {
        if (sStride == 1 && dStride == 1)
        {
            new ReadOnlySpan<T>(s, n).CopyTo(new Span<T>(d, n));
            return;
        }
        for (int i = 0; i < n; i++) d[i * dStride] = s[i * sStride];
    }

    /// <summary>
    /// Merges adjacent dimensions that are contiguous with each other in both operands and drops
    /// size-1 dimensions, so the innermost loop is as long as possible. Returns the new rank (≥ 1).
    /// </summary>
    public static int Coalesce(ReadOnlySpan<int> shapeIn, ReadOnlySpan<int> aStrides, ReadOnlySpan<int> bStrides,
        Span<int> shape, Span<long> a, Span<long> b)
    {
        int r = 0;
        for (int i = 0; i < shapeIn.Length; i++)
        {
            if (shapeIn[i] == 1) continue;
            if (r > 0 && a[r - 1] == (long)aStrides[i] * shapeIn[i] && b[r - 1] == (long)bStrides[i] * shapeIn[i])
            {
                shape[r - 1] *= shapeIn[i];
                a[r - 1] = aStrides[i];
                b[r - 1] = bStrides[i];
                continue;
            }
            shape[r] = shapeIn[i];
            a[r] = aStrides[i];
            b[r] = bStrides[i];
            r++;
        }
        if (r == 0)
        {
            shape[0] = 1; a[0] = 1; b[0] = 1;
            r = 1;
        }
        return r;
    }
}
