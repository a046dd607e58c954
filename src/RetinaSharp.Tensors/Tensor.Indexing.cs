namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    /// <summary>
    /// The slices at <paramref name="index"/> (a 1-D Int64 or Int32 tensor) along <paramref name="dim"/>,
    /// in index order (repeats allowed). The gradient is summed back into the selected slices.
    /// </summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        int d = NormalizeDim(dim, Rank);
        var idx = ReadIndices(index, _shape[d], "IndexSelect");
        var shape = _shape.ToArray();
        shape[d] = idx.Length;
        var (outer, n, inner) = SplitAt(d);
        var r = Allocate(shape, DType);
        int es = DType.ElementSize();
        using (var c = ContiguousNoGrad())
        {
            byte* src = (byte*)c.DataPointer, dst = (byte*)r.DataPointer;
            long rowBytes = inner * es;
            for (long o = 0; o < outer; o++)
                for (int j = 0; j < idx.Length; j++)
                    Buffer.MemoryCopy(src + (o * n + idx[j]) * rowBytes, dst + (o * idx.Length + j) * rowBytes, rowBytes, rowBytes);
        }
        var inShape = _shape;
        return Autograd.Record(r, "index_select", [this], (g, gi) =>
        {
            var gx = Zeros(inShape);
            using var gc = g.ContiguousNoGrad();
            float* gs = gc.FloatPointer, gd = gx.FloatPointer;
            for (long o = 0; o < outer; o++)
                for (int j = 0; j < idx.Length; j++)
                {
                    var from = new ReadOnlySpan<float>(gs + (o * idx.Length + j) * inner, (int)inner);
                    var to = new Span<float>(gd + (o * n + idx[j]) * inner, (int)inner);
                    System.Numerics.Tensors.TensorPrimitives.Add(to, from, to);
                }
            gi[0] = gx;
        });
    }

    /// <summary>Rows (dim 0) at the given indices.</summary>
    public Tensor IndexSelect(int dim, ReadOnlySpan<int> index)
    {
        using var t = FromArray(index, index.Length);
        return IndexSelect(dim, t);
    }

    /// <summary>
    /// torch.gather: out[i][j][k] = this[i][index[i][j][k]][k] for dim 1 (likewise for any dim).
    /// <paramref name="index"/> (Int64/Int32) has this tensor's rank and no larger sizes except along
    /// <paramref name="dim"/>; the output has its shape. The gradient scatter-adds back.
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        RequireFloat();
        int d = NormalizeDim(dim, Rank);
        CheckIndexShape(index, d, this, "Gather");
        var r = Allocate(index.Shape);
        using (var c = ContiguousNoGrad())
        using (var ic = index.ContiguousNoGrad())
        {
            float* src = c.FloatPointer, dst = r.FloatPointer;
            WalkIndexed(c, d, ic, new GatherVisitor(src, dst));
        }
        var inShape = _shape;
        return Autograd.Record(r, "gather", [this], (g, gi) =>
        {
            var gx = Zeros(inShape);
            using var gc = g.ContiguousNoGrad();
            using var ic = index.ContiguousNoGrad();
            float* gs = gc.FloatPointer, gd = gx.FloatPointer;
            WalkIndexed(gx, d, ic, new ScatterAddVisitor(gs, gd));
            gi[0] = gx;
        });
    }

    /// <summary>
    /// torch.scatter_add (out of place): a copy of this tensor with src[i][j][k] added at
    /// [i][index[i][j][k]][k] for dim 1. <paramref name="src"/> has the index's shape. Gradients flow
    /// to this tensor (unchanged) and to src (gathered).
    /// </summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
    {
        RequireFloat();
        src.RequireFloat();
        int d = NormalizeDim(dim, Rank);
        if (!src.SameShape(index))
            throw new ArgumentException($"ScatterAdd: src {FormatShape(src.Shape)} must have the index's shape {FormatShape(index.Shape)}.");
        CheckIndexShape(index, d, this, "ScatterAdd");
        var r = Allocate(_shape);
        CopyTo(r);
        using (var sc = src.ContiguousNoGrad())
        using (var ic = index.ContiguousNoGrad())
        {
            float* s = sc.FloatPointer, o = r.FloatPointer;
            WalkIndexed(r, d, ic, new ScatterAddVisitor(s, o));
        }
        return Autograd.Record(r, "scatter_add", [this, src], (g, gi) =>
        {
            if (this.RequiresGrad) gi[0] = g.ContiguousNoGrad();
            if (src.RequiresGrad)
            {
                using var gc = g.ContiguousNoGrad();
                using var ic = index.ContiguousNoGrad();
                var gs = Allocate(index.Shape);
                float* from = gc.FloatPointer, to = gs.FloatPointer;
                WalkIndexed(gc, d, ic, new GatherVisitor(from, to));
                gi[1] = gs;
            }
        });
    }

    /// <summary>The elements where <paramref name="mask"/> (Bool, broadcastable to this) is true, as a 1-D tensor in row-major order.</summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        mask.RequireBool();
        var shape = Broadcast.Shape(_shape, mask._shape);
        using var m = mask.Expand(shape).ContiguousNoGrad();
        using var x = Expand(shape).ContiguousNoGrad();
        bool* mp = (bool*)m.DataPointer;
        long total = x.NumElements, count = 0;
        for (long i = 0; i < total; i++) if (mp[i]) count++;
        var r = Allocate([checked((int)count)], DType);
        int es = DType.ElementSize();
        byte* src = (byte*)x.DataPointer, dst = (byte*)r.DataPointer;
        for (long i = 0, k = 0; i < total; i++)
            if (mp[i]) Buffer.MemoryCopy(src + i * es, dst + k++ * es, es, es);
        var inShape = _shape;
        var maskCopy = Autograd.NeedsGrad(this) ? m.CloneDetached() : null;
        return Autograd.Record(r, "masked_select", [this], (g, gi) =>
        {
            using var full = Zeros(shape);
            using var gc = g.ContiguousNoGrad();
            bool* mk = (bool*)maskCopy!.DataPointer;
            float* gs = gc.FloatPointer, gd = full.FloatPointer;
            for (long i = 0, k = 0; i < total; i++)
                if (mk[i]) gd[i] = gs[k++];
            gi[0] = full.SumToShape(inShape);
        }, maskCopy is null ? null : [maskCopy]);
    }

    /// <summary>Indices of the non-zero elements as an Int64 tensor [count, rank], in row-major order (torch.nonzero).</summary>
    public Tensor NonZero()
    {
        using var b = DType == DType.Bool ? ContiguousNoGrad() : ToDType(DType.Bool);
        bool* p = (bool*)b.DataPointer;
        long total = NumElements, count = 0;
        for (long i = 0; i < total; i++) if (p[i]) count++;
        var r = Allocate([checked((int)count), Rank], DType.Int64);
        long* o = (long*)r.DataPointer;
        for (long i = 0; i < total; i++)
        {
            if (!p[i]) continue;
            long rem = i;
            for (int k = Rank - 1; k >= 0; k--)
            {
                o[k] = rem % _shape[k];
                rem /= _shape[k];
            }
            o += Rank;
        }
        return r;
    }

    /// <summary>
    /// Element-wise choice with broadcasting: a where <paramref name="condition"/> (Bool) is true, else b.
    /// Gradients go to a where the condition holds and to b elsewhere.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        condition.RequireBool();
        a.RequireFloat();
        b.RequireFloat();
        var shape = Broadcast.Shape(Broadcast.Shape(condition._shape, a._shape), b._shape);
        var r = Allocate(shape);
        var runs = new BroadcastRuns(shape, Broadcast.StridesFor(condition, shape), Broadcast.StridesFor(a, shape),
            Broadcast.StridesFor(b, shape), ContiguousStrides(shape));
        bool* pc = (bool*)condition.DataPointer;
        float* pa = a.FloatPointer, pb = b.FloatPointer, po = r.FloatPointer;
        Span<long> off = stackalloc long[4];
        long sc = runs.InnerStride(0), sa = runs.InnerStride(1), sb = runs.InnerStride(2);
        int inner = runs.Inner;
        while (runs.Next(off))
        {
            bool* c = pc + off[0];
            float* x = pa + off[1], y = pb + off[2], o = po + off[3];
            for (int i = 0; i < inner; i++) o[i] = c[i * sc] ? x[i * sa] : y[i * sb];
        }
        var (shapeA, shapeB) = (a._shape, b._shape);
        return Autograd.Record(r, "where", [condition, a, b], (g, gi) =>
        {
            if (a.RequiresGrad)
            {
                using var ga = SelectGradient(condition, g, whenTrue: true);
                gi[1] = ga.SumToShape(shapeA);
            }
            if (b.RequiresGrad)
            {
                using var gb = SelectGradient(condition, g, whenTrue: false);
                gi[2] = gb.SumToShape(shapeB);
            }
        });
    }

    /// <summary>a where the condition holds, else the scalar b.</summary>
    public static Tensor Where(Tensor condition, Tensor a, float b)
    {
        using var bt = Scalar(b);
        return Where(condition, a, bt);
    }

    /// <summary>The scalar a where the condition holds, else b.</summary>
    public static Tensor Where(Tensor condition, float a, Tensor b)
    {
        using var at = Scalar(a);
        return Where(condition, at, b);
    }

    /// <summary>g (at the output shape) where condition == whenTrue, else 0.</summary>
    private static Tensor SelectGradient(Tensor condition, Tensor g, bool whenTrue)
    {
        var shape = g._shape;
        var r = Allocate(shape);
        var runs = new BroadcastRuns(shape, Broadcast.StridesFor(condition, shape), g._strides, ContiguousStrides(shape));
        bool* pc = (bool*)condition.DataPointer;
        float* pg = g.FloatPointer, po = r.FloatPointer;
        Span<long> off = stackalloc long[3];
        long sc = runs.InnerStride(0), sg = runs.InnerStride(1);
        int inner = runs.Inner;
        while (runs.Next(off))
        {
            bool* c = pc + off[0];
            float* x = pg + off[1], o = po + off[2];
            for (int i = 0; i < inner; i++) o[i] = c[i * sc] == whenTrue ? x[i * sg] : 0f;
        }
        return r;
    }

    // ---- internals ------------------------------------------------------------------------

    /// <summary>The tensor as [outer, size(dim), inner] (contiguous layout).</summary>
    internal (long Outer, int N, long Inner) SplitAt(int dim)
    {
        long outer = 1, inner = 1;
        for (int i = 0; i < dim; i++) outer *= _shape[i];
        for (int i = dim + 1; i < Rank; i++) inner *= _shape[i];
        return (outer, _shape[dim], inner);
    }

    private static int[] ReadIndices(Tensor index, int limit, string op)
    {
        if (index.Rank > 1) throw new ArgumentException($"{op} needs a 1-D index, got {FormatShape(index.Shape)}.");
        var result = new int[index.NumElements];
        using var c = index.ContiguousNoGrad();
        for (int i = 0; i < result.Length; i++)
        {
            long v = c.DType switch
            {
                DType.Int64 => ((long*)c.DataPointer)[i],
                DType.Int32 => ((int*)c.DataPointer)[i],
                _ => throw new ArgumentException($"{op} needs an Int64 or Int32 index, got {index.DType}."),
            };
            if ((ulong)v >= (ulong)limit) throw new IndexOutOfRangeException($"{op}: index {v} is out of range for size {limit}.");
            result[i] = (int)v;
        }
        return result;
    }

    private static void CheckIndexShape(Tensor index, int dim, Tensor target, string op)
    {
        if (index.DType != DType.Int64 && index.DType != DType.Int32)
            throw new ArgumentException($"{op} needs an Int64 or Int32 index, got {index.DType}.");
        if (index.Rank != target.Rank)
            throw new ArgumentException($"{op}: index rank {index.Rank} differs from tensor rank {target.Rank}.");
        for (int i = 0; i < target.Rank; i++)
            if (i != dim && index.Shape[i] > target.Shape[i])
                throw new ArgumentException($"{op}: index {FormatShape(index.Shape)} is larger than tensor {FormatShape(target.Shape)} in dimension {i}.");
    }

    /// <summary>
    /// For every element of a contiguous index tensor (row-major position pos), calls
    /// visit(pos, offset) with the element offset in contiguous <paramref name="target"/> that the index
    /// addresses: the index's own coordinates, with coordinate <paramref name="dim"/> replaced by the index value.
    /// </summary>
    private static void WalkIndexed<T>(Tensor target, int dim, Tensor index, T visitor) where T : struct, IIndexVisitor
    {
        int rank = target.Rank;
        var tStrides = ContiguousStrides(target.Shape);
        var ishape = index.Shape;
        int limit = target.Shape[dim];
        long total = index.NumElements;
        if (total == 0) return;
        var coord = new int[rank];
        long baseOffset = 0;
        bool wide = index.DType == DType.Int64;
        void* ip = index.DataPointer;
        for (long pos = 0; pos < total; pos++)
        {
            long v = wide ? ((long*)ip)[pos] : ((int*)ip)[pos];
            if ((ulong)v >= (ulong)limit) throw new IndexOutOfRangeException($"Index {v} is out of range for size {limit} in dimension {dim}.");
            visitor.Visit(pos, baseOffset + v * tStrides[dim]);
            for (int k = rank - 1; k >= 0; k--)
            {
                coord[k]++;
                if (k != dim) baseOffset += tStrides[k];
                if (coord[k] < ishape[k]) break;
                if (k != dim) baseOffset -= (long)tStrides[k] * ishape[k];
                coord[k] = 0;
            }
        }
    }
}

/// <summary>What <c>WalkIndexed</c> does at each (index position, addressed offset) pair.</summary>
internal interface IIndexVisitor
{
    void Visit(long pos, long offset);
}

/// <summary>dst[pos] = src[offset].</summary>
internal readonly unsafe struct GatherVisitor(float* src, float* dst) : IIndexVisitor
{
    public void Visit(long pos, long offset) => dst[pos] = src[offset];
}

/// <summary>dst[offset] += src[pos].</summary>
internal readonly unsafe struct ScatterAddVisitor(float* src, float* dst) : IIndexVisitor
{
    public void Visit(long pos, long offset) => dst[offset] += src[pos];
}
