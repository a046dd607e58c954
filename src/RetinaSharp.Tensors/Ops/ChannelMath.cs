using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace RetinaSharp.Tensors;

/// <summary>Per-plane sums and affine maps shared by the normalisation ops (long runs, int-sized span pieces).</summary>
internal static unsafe class ChannelMath
{
    /// <summary>Σ p[i].</summary>
    public static double Sum(float* p, long n)
    {
        double s = 0;
        for (; n > 0;)
        {
            int len = (int)Math.Min(n, 1 << 30);
            s += TensorPrimitives.Sum<float>(new ReadOnlySpan<float>(p, len));
            p += len;
            n -= len;
        }
        return s;
    }

    /// <summary>Σ a[i]·b[i].</summary>
    public static double Dot(float* a, float* b, long n)
    {
        double s = 0;
        for (; n > 0;)
        {
            int len = (int)Math.Min(n, 1 << 30);
            s += TensorPrimitives.Dot<float>(new ReadOnlySpan<float>(a, len), new ReadOnlySpan<float>(b, len));
            a += len;
            b += len;
            n -= len;
        }
        return s;
    }

    /// <summary>Σ (p[i] − mean)², the second pass of a two-pass variance (no cancellation from Σx² − n·mean²).</summary>
    public static double SquaredDeviation(float* p, long n, float mean)
    {
        double total = 0;
        for (; n > 0;)
        {
            int len = (int)Math.Min(n, 1 << 30);
            var s = new ReadOnlySpan<float>(p, len);
            int w = Vector<float>.Count, i = 0;
            var m = new Vector<float>(mean);
            var acc = Vector<float>.Zero;
            ref float r = ref MemoryMarshal.GetReference(s);
            for (; i <= len - w; i += w)
            {
                var d = Vector.LoadUnsafe(ref r, (nuint)i) - m;
                acc += d * d;
            }
            double t = Vector.Sum(acc);
            for (; i < len; i++)
            {
                double d = s[i] - mean;
                t += d * d;
            }
            total += t;
            p += len;
            n -= len;
        }
        return total;
    }

    /// <summary>y = x·a + b over a run.</summary>
    public static void Affine(float* x, float a, float b, float* y, long n)
    {
        for (; n > 0;)
        {
            int len = (int)Math.Min(n, 1 << 30);
            VectorLoop.Map(new AffineOp(a, b), new ReadOnlySpan<float>(x, len), new Span<float>(y, len));
            x += len;
            y += len;
            n -= len;
        }
    }

    /// <summary>y = g·a + x·b + c over a run (the shape of every normalisation input gradient), in one pass.</summary>
    public static void Affine2(float* g, float a, float* x, float b, float c, float* y, long n)
    {
        for (; n > 0;)
        {
            int len = (int)Math.Min(n, 1 << 30);
            VectorLoop.Map(new Affine2Op(a, b, c), new ReadOnlySpan<float>(g, len), new ReadOnlySpan<float>(x, len), new Span<float>(y, len));
            g += len;
            x += len;
            y += len;
            n -= len;
        }
    }

    /// <summary>(Σ g[i], Σ g[i]·x[i]) in one pass over both runs.</summary>
    public static (double Sum, double Dot) SumAndDot(float* g, float* x, long n)
    {
        double sum = 0, dot = 0;
        int w = Vector<float>.Count;
        while (n > 0)
        {
            // Blocks short enough that float lane accumulators stay accurate; totals in double.
            int len = (int)Math.Min(n, 4096);
            var vs = Vector<float>.Zero;
            var vd = Vector<float>.Zero;
            int i = 0;
            for (; i <= len - w; i += w)
            {
                var gv = Vector.Load(g + i);
                vs += gv;
                vd += gv * Vector.Load(x + i);
            }
            double s = Vector.Sum(vs), d = Vector.Sum(vd);
            for (; i < len; i++)
            {
                s += g[i];
                d += (double)g[i] * x[i];
            }
            sum += s;
            dot += d;
            g += len;
            x += len;
            n -= len;
        }
        return (sum, dot);
    }

    /// <summary>[N, C, plane] layout of a tensor of rank ≥ 2.</summary>
    public static (int N, int C, long Plane) Layout(Tensor t, string op)
    {
        if (t.Rank < 2) throw new ArgumentException($"{op} needs input [N, C, ...], got {Tensor.FormatShape(t.Shape)}.");
        long plane = 1;
        for (int i = 2; i < t.Rank; i++) plane *= t.Size(i);
        return (t.Size(0), t.Size(1), plane);
    }

    /// <summary>The values of an optional per-channel vector [C], or null.</summary>
    public static float[]? Channels(Tensor? t, int c, string what)
    {
        if (t == null) return null;
        t.RequireFloat();
        if (t.NumElements != c || t.Rank != 1) throw new ArgumentException($"{what} has shape {Tensor.FormatShape(t.Shape)}, expected [{c}].");
        return t.ToArray();
    }
}

/// <summary>x·a + b.</summary>
internal readonly struct AffineOp(float a, float b) : IVectorOp1
{
    public Vector<float> Apply(Vector<float> x) => x * a + new Vector<float>(b);
}

/// <summary>g·a + x·b + c.</summary>
internal readonly struct Affine2Op(float a, float b, float c) : IVectorOp2
{
    public Vector<float> Apply(Vector<float> g, Vector<float> x) => g * a + x * b + new Vector<float>(c);
}
