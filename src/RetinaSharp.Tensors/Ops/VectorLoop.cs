using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RetinaSharp.Tensors;

/// <summary>An element-wise function of one float vector (a struct, so loops specialise on it without virtual calls).</summary>
internal interface IVectorOp1
{
    Vector<float> Apply(Vector<float> x);
}

/// <summary>An element-wise function of two float vectors.</summary>
internal interface IVectorOp2
{
    Vector<float> Apply(Vector<float> a, Vector<float> b);
}

/// <summary>A span-to-span element-wise kernel (usually a TensorPrimitives call or a <see cref="VectorLoop"/>).</summary>
internal interface ISpanOp1
{
    void Run(ReadOnlySpan<float> x, Span<float> y);
}

internal interface ISpanOp2
{
    void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);
}

/// <summary>
/// Runs vector operators over spans. The tail shorter than a vector goes through the same vector
/// code on a zero-padded copy, so every element sees identical arithmetic.
/// </summary>
internal static class VectorLoop
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<T>(T op, ReadOnlySpan<float> x, Span<float> y) where T : struct, IVectorOp1
    {
        int n = x.Length, w = Vector<float>.Count, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; i <= n - w; i += w)
            op.Apply(Vector.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        if (i < n)
        {
            Span<float> t = stackalloc float[w];
            t.Clear();
            x[i..].CopyTo(t);
            op.Apply(new Vector<float>(t)).CopyTo(t);
            t[..(n - i)].CopyTo(y[i..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<T>(T op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) where T : struct, IVectorOp2
    {
        int n = a.Length, w = Vector<float>.Count, i = 0;
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; i <= n - w; i += w)
            op.Apply(Vector.LoadUnsafe(ref ar, (nuint)i), Vector.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        if (i < n)
        {
            Span<float> ta = stackalloc float[w];
            Span<float> tb = stackalloc float[w];
            ta.Clear();
            tb.Clear();
            a[i..].CopyTo(ta);
            b[i..].CopyTo(tb);
            op.Apply(new Vector<float>(ta), new Vector<float>(tb)).CopyTo(ta);
            ta[..(n - i)].CopyTo(y[i..]);
        }
    }

    /// <summary>log(1 + e) for e ≥ 0, accurate when e is tiny (1 + e rounds to 1): the rounding of u = 1 + e is corrected by ((u − 1) − e)/u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log1P(Vector<float> e)
    {
        var u = Vector<float>.One + e;
        return Vector.Log(u) - ((u - Vector<float>.One) - e) / u;
    }
}

/// <summary>Adapts a vector operator to a span kernel.</summary>
internal readonly struct VectorSpanOp1<T>(T op) : ISpanOp1 where T : struct, IVectorOp1
{
    public void Run(ReadOnlySpan<float> x, Span<float> y) => VectorLoop.Map(op, x, y);
}

internal readonly struct VectorSpanOp2<T>(T op) : ISpanOp2 where T : struct, IVectorOp2
{
    public void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => VectorLoop.Map(op, a, b, y);
}

/// <summary>Runs span kernels over raw buffers, in parallel chunks when they are long.</summary>
internal static unsafe class SpanMap
{
    public static void Run<T>(T op, float* x, float* y, long n) where T : struct, ISpanOp1
    {
        if (n < 2 * ParallelRange.MinChunk)
        {
            RunRange(op, x, y, 0, n);
            return;
        }
        nint px = (nint)x, py = (nint)y;
        ParallelRange.For(n, ParallelRange.MinChunk, (s, e) => RunRange(op, (float*)px, (float*)py, s, e));
    }

    public static void Run<T>(T op, float* a, float* b, float* y, long n) where T : struct, ISpanOp2
    {
        if (n < 2 * ParallelRange.MinChunk)
        {
            RunRange(op, a, b, y, 0, n);
            return;
        }
        nint pa = (nint)a, pb = (nint)b, py = (nint)y;
        ParallelRange.For(n, ParallelRange.MinChunk, (s, e) => RunRange(op, (float*)pa, (float*)pb, (float*)py, s, e));
    }

    private static void RunRange<T>(T op, float* x, float* y, long start, long end) where T : struct, ISpanOp1
    {
        while (start < end)
        {
            int len = (int)Math.Min(end - start, 1 << 30);
            op.Run(new ReadOnlySpan<float>(x + start, len), new Span<float>(y + start, len));
            start += len;
        }
    }

    private static void RunRange<T>(T op, float* a, float* b, float* y, long start, long end) where T : struct, ISpanOp2
    {
        while (start < end)
        {
            int len = (int)Math.Min(end - start, 1 << 30);
            op.Run(new ReadOnlySpan<float>(a + start, len), new ReadOnlySpan<float>(b + start, len), new Span<float>(y + start, len));
            start += len;
        }
    }
}
