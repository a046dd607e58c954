using System.Numerics.Tensors;

namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    /// <summary>Sum of all elements (a 0-d tensor).</summary>
    public Tensor Sum()
    {
        var r = Allocate([]);
        using (var c = ContiguousNoGrad()) r.Data[0] = TensorPrimitives.Sum<float>(c.Data);
        var inShape = _shape;
        return Autograd.Record(r, "sum", [this], (g, gi) =>
        {
            using var e = g.Expand(inShape);
            gi[0] = e.ContiguousNoGrad();
        });
    }

    /// <summary>Mean of all elements (a 0-d tensor).</summary>
    public Tensor Mean()
    {
        using var s = Sum();
        return s.Mul(1f / Math.Max(1, NumElements));
    }

    /// <summary>Sum over <paramref name="dims"/>.</summary>
    public Tensor Sum(ReadOnlySpan<int> dims, bool keepDim = false)
    {
        var reduce = new bool[Rank];
        foreach (var d in dims) reduce[NormalizeDim(d, Rank)] = true;
        var keepShape = new int[Rank];
        for (int i = 0; i < Rank; i++) keepShape[i] = reduce[i] ? 1 : _shape[i];
        var r = Allocate(keepShape, zero: true);
        SumInto(this, r);
        Tensor result = r;
        if (!keepDim)
        {
            var outShape = new List<int>();
            for (int i = 0; i < Rank; i++) if (!reduce[i]) outShape.Add(_shape[i]);
            result = r.MakeView(outShape.ToArray(), ContiguousStrides(outShape.ToArray()), 0);
            r.Dispose();
        }
        var inShape = _shape;
        return Autograd.Record(result, "sum_dims", [this], (g, gi) =>
        {
            using var k = g.Reshape(keepShape);
            using var e = k.Expand(inShape);
            gi[0] = e.ContiguousNoGrad();
        });
    }

    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    public Tensor Mean(ReadOnlySpan<int> dims, bool keepDim = false)
    {
        long count = 1;
        foreach (var d in dims) count *= _shape[NormalizeDim(d, Rank)];
        using var s = Sum(dims, keepDim);
        return s.Mul(1f / Math.Max(1, count));
    }

    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>Sums a broadcast gradient back to <paramref name="shape"/> (which broadcasts to this tensor's shape).</summary>
    internal Tensor SumToShape(ReadOnlySpan<int> shape)
    {
        if (_shape.AsSpan().SequenceEqual(shape)) return Alias();
        var r = Allocate(shape, zero: true);
        int lead = Rank - shape.Length;
        // View r at this tensor's shape with stride 0 on broadcast dimensions, then accumulate.
        var strides = new int[Rank];
        var rs = ContiguousStrides(shape);
        for (int i = 0; i < Rank; i++)
            strides[i] = i < lead || shape[i - lead] == 1 ? 0 : rs[i - lead];
        AccumulateStrided(this, r.FloatPointer, strides);
        return r;
    }

    /// <summary>dst (same rank, size 1 on reduced dims, contiguous) += src summed.</summary>
    private static void SumInto(Tensor src, Tensor dst)
    {
        var strides = new int[src.Rank];
        for (int i = 0; i < src.Rank; i++) strides[i] = dst.Shape[i] == 1 ? 0 : dst.Strides[i];
        AccumulateStrided(src, dst.FloatPointer, strides);
    }

    private static void AccumulateStrided(Tensor src, float* dst, int[] dstStrides)
    {
        int rank = Math.Max(src.Rank, 1);
        Span<int> cs = stackalloc int[rank];
        Span<long> ca = stackalloc long[rank];
        Span<long> cb = stackalloc long[rank];
        int r = StridedCopy.Coalesce(src.Shape, src.Strides, dstStrides, cs, ca, cb);
        if (src.NumElements == 0) return;
        float* ps = src.FloatPointer;
        int inner = cs[r - 1];
        long si = ca[r - 1], di = cb[r - 1];
        long outer = 1;
        for (int i = 0; i < r - 1; i++) outer *= cs[i];
        Span<int> idx = stackalloc int[r];
        idx.Clear();
        long os = 0, od = 0;
        for (long o = 0; o < outer; o++)
        {
            float* s = ps + os;
            float* d = dst + od;
            if (di == 0)
            {
                if (si == 1) *d += TensorPrimitives.Sum<float>(new ReadOnlySpan<float>(s, inner));
                else
                {
                    float acc = 0;
                    for (int i = 0; i < inner; i++) acc += s[i * si];
                    *d += acc;
                }
            }
            else if (si == 1 && di == 1)
            {
                var ds = new Span<float>(d, inner);
                TensorPrimitives.Add(ds, new ReadOnlySpan<float>(s, inner), ds);
            }
            else
            {
                for (int i = 0; i < inner; i++) d[i * di] += s[i * si];
            }
            for (int k = r - 2; k >= 0; k--)
            {
                idx[k]++;
                os += ca[k]; od += cb[k];
                if (idx[k] < cs[k]) break;
                os -= ca[k] * cs[k]; od -= cb[k] * cs[k];
                idx[k] = 0;
            }
        }
    }
}
