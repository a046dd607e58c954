using System.Numerics;
using System.Runtime.CompilerServices;

namespace RetinaSharp.Tensors;

/// <summary>A per-element loss: its value and its derivative with respect to the prediction, for one vector.</summary>
internal interface ILossKernel
{
    void Eval(Vector<float> prediction, Vector<float> target, out Vector<float> loss, out Vector<float> grad);
}

/// <summary>The modulating power of the focal loss: m^γ and its derivative γ·m^(γ−1), specialised for common γ.</summary>
internal interface IFocalPower
{
    static abstract void Pow(Vector<float> m, float gamma, out Vector<float> mg, out Vector<float> dmg);
}

internal readonly struct FocalGamma0 : IFocalPower
{
    public static void Pow(Vector<float> m, float gamma, out Vector<float> mg, out Vector<float> dmg)
    {
        mg = Vector<float>.One;
        dmg = Vector<float>.Zero;
    }
}

internal readonly struct FocalGamma2 : IFocalPower
{
    public static void Pow(Vector<float> m, float gamma, out Vector<float> mg, out Vector<float> dmg)
    {
        mg = m * m;
        dmg = m + m;
    }
}

internal readonly struct FocalGammaAny : IFocalPower
{
    public static void Pow(Vector<float> m, float gamma, out Vector<float> mg, out Vector<float> dmg)
    {
        // m^γ = e^(γ·log m) is 0 at m = 0 (log 0 = −∞). γ·m^(γ−1) = γ·m^γ/m is only ever multiplied by
        // p·(1 − p), which vanishes wherever m does, so 0 there keeps γ < 1 finite.
        mg = Vector.Exp(Vector.Log(m) * gamma);
        var positive = Vector.GreaterThan(m, Vector<float>.Zero);
        dmg = Vector.ConditionalSelect(positive, mg * gamma / Vector.ConditionalSelect(positive, m, Vector<float>.One), Vector<float>.Zero);
    }
}

/// <summary>
/// Sigmoid focal loss of one element, torchvision's definition, from the logit x and target t:
///   p = σ(x), q = 1 − p (both from e = e^−|x| so neither is a rounded 1 − something),
///   ce = max(x, 0) − x·t + log(1 + e)                    (BCE with logits, stable for any x)
///   m = 1 − p_t = p·(1 − t) + q·t,  α_t = α·t + (1 − α)(1 − t) (or 1 when α &lt; 0)
///   L = α_t · ce · m^γ
/// Derivative (dp/dx = p·q, dce/dx = p − t, dm/dx = (1 − 2t)·p·q):
///   dL/dx = α_t · [(p − t)·m^γ + ce·γ·m^(γ−1)·(1 − 2t)·p·q]
/// </summary>
internal readonly struct FocalLossKernel<TPow>(float alpha, float gamma) : ILossKernel where TPow : struct, IFocalPower
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Eval(Vector<float> x, Vector<float> t, out Vector<float> loss, out Vector<float> grad)
    {
        var one = Vector<float>.One;
        var e = Vector.Exp(-Vector.Abs(x));
        var r = one / (one + e);
        var nonNegative = Vector.GreaterThanOrEqual(x, Vector<float>.Zero);
        var p = Vector.ConditionalSelect(nonNegative, r, e * r);
        var q = Vector.ConditionalSelect(nonNegative, e * r, r);
        var ce = Vector.Max(x, Vector<float>.Zero) - x * t + VectorLoop.Log1P(e);
        var m = p * (one - t) + q * t;
        TPow.Pow(m, gamma, out var mg, out var dmg);
        var g = (p - t) * mg + ce * dmg * (one - t - t) * p * q;
        var l = ce * mg;
        if (alpha >= 0)
        {
            var at = new Vector<float>(alpha) * t + new Vector<float>(1 - alpha) * (one - t);
            l *= at;
            g *= at;
        }
        loss = l;
        grad = g;
    }
}

/// <summary>BCE with logits: max(x, 0) − x·t + log(1 + e^−|x|); derivative σ(x) − t.</summary>
internal readonly struct BceWithLogitsKernel : ILossKernel
{
    public void Eval(Vector<float> x, Vector<float> t, out Vector<float> loss, out Vector<float> grad)
    {
        var one = Vector<float>.One;
        var e = Vector.Exp(-Vector.Abs(x));
        var r = one / (one + e);
        var p = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), r, e * r);
        loss = Vector.Max(x, Vector<float>.Zero) - x * t + VectorLoop.Log1P(e);
        grad = p - t;
    }
}

/// <summary>|x − y|; derivative sign(x − y), 0 at 0 like torch.</summary>
internal readonly struct L1Kernel : ILossKernel
{
    public void Eval(Vector<float> x, Vector<float> y, out Vector<float> loss, out Vector<float> grad)
    {
        var d = x - y;
        loss = Vector.Abs(d);
        grad = Sign(d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sign(Vector<float> d) =>
        Vector.ConditionalSelect(Vector.GreaterThan(d, Vector<float>.Zero), Vector<float>.One,
            Vector.ConditionalSelect(Vector.LessThan(d, Vector<float>.Zero), -Vector<float>.One, Vector<float>.Zero));
}

/// <summary>torch's smooth L1: 0.5·d²/β where |d| &lt; β, else |d| − 0.5·β; derivative d/β or sign(d). β must be &gt; 0 here.</summary>
internal readonly struct SmoothL1Kernel(float beta) : ILossKernel
{
    public void Eval(Vector<float> x, Vector<float> y, out Vector<float> loss, out Vector<float> grad)
    {
        var d = x - y;
        var ad = Vector.Abs(d);
        var b = new Vector<float>(beta);
        var inside = Vector.LessThan(ad, b);
        loss = Vector.ConditionalSelect(inside, d * d * (0.5f / beta), ad - new Vector<float>(0.5f * beta));
        grad = Vector.ConditionalSelect(inside, d / b, L1Kernel.Sign(d));
    }
}

/// <summary>
/// Runs a loss kernel over flat buffers: optional targets (null = all zero), optional element
/// weights (0 removes an element even if its loss is not finite), optional row weights (rows of
/// <c>rowLength</c>; 0 skips the row's arithmetic entirely). Writes per-element losses and scaled
/// derivatives when asked and returns the weighted sum.
/// </summary>
internal static unsafe class LossDriver
{
    public static double Run<T>(T op, float* x, float* t, float* elementWeight, float* rowWeight, long rowLength, long n,
        float* lossOut, float* gradOut, float gradScale) where T : struct, ILossKernel
    {
        if (n <= 0) return 0;
        if (n < 2 * ParallelRange.MinChunk)
            return RunRange(op, x, t, elementWeight, rowWeight, rowLength, 0, n, lossOut, gradOut, gradScale);
        nint px = (nint)x, pt = (nint)t, pw = (nint)elementWeight, pr = (nint)rowWeight, pl = (nint)lossOut, pg = (nint)gradOut;
        var partial = new List<(long Start, double Sum)>();
        var gate = new Lock();
        ParallelRange.For(n, ParallelRange.MinChunk, (s, e) =>
        {
            double v = RunRange(op, (float*)px, (float*)pt, (float*)pw, (float*)pr, rowLength, s, e, (float*)pl, (float*)pg, gradScale);
            lock (gate) partial.Add((s, v));
        });
        // Add the chunk sums in a fixed order so the result does not depend on thread timing.
        partial.Sort((a, b) => a.Start.CompareTo(b.Start));
        double total = 0;
        foreach (var (_, v) in partial) total += v;
        return total;
    }

    private static double RunRange<T>(T op, float* x, float* t, float* w, float* rowWeight, long rowLength, long start, long end,
        float* lossOut, float* gradOut, float gradScale) where T : struct, ILossKernel
    {
        double total = 0;
        long i = start;
        while (i < end)
        {
            long segEnd = end;
            float rw = 1f;
            if (rowWeight != null)
            {
                long row = i / rowLength;
                segEnd = Math.Min(end, (row + 1) * rowLength);
                rw = rowWeight[row];
            }
            long len = segEnd - i;
            if (rw == 0)
            {
                if (lossOut != null) new Span<float>(lossOut + i, (int)len).Clear();
                if (gradOut != null) new Span<float>(gradOut + i, (int)len).Clear();
            }
            else
            {
                total += Segment(op, x + i, t == null ? null : t + i, w == null ? null : w + i, rw, len,
                    lossOut == null ? null : lossOut + i, gradOut == null ? null : gradOut + i, gradScale);
            }
            i = segEnd;
        }
        return total;
    }

    private static double Segment<T>(T op, float* x, float* t, float* w, float rowWeight, long len,
        float* lossOut, float* gradOut, float gradScale) where T : struct, ILossKernel
    {
        int width = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        double total = 0;
        long i = 0;
        float gs = rowWeight * gradScale;
        int sinceFlush = 0;
        for (; i <= len - width; i += width)
        {
            var xv = Vector.Load(x + i);
            var tv = t == null ? Vector<float>.Zero : Vector.Load(t + i);
            op.Eval(xv, tv, out var l, out var g);
            if (w != null)
            {
                var wv = Vector.Load(w + i);
                var zero = Vector.Equals(wv, Vector<float>.Zero);
                l = Vector.ConditionalSelect(zero, Vector<float>.Zero, l * wv);
                g = Vector.ConditionalSelect(zero, Vector<float>.Zero, g * wv);
            }
            l *= rowWeight;
            if (lossOut != null) l.Store(lossOut + i);
            if (gradOut != null) (g * gs).Store(gradOut + i);
            sum += l;
            // Move the float lanes into the double total now and then, so long runs keep their precision.
            if (++sinceFlush == 256)
            {
                total += Vector.Sum(sum);
                sum = Vector<float>.Zero;
                sinceFlush = 0;
            }
        }
        total += Vector.Sum(sum);
        if (i < len)
        {
            int rest = (int)(len - i);
            Span<float> bx = stackalloc float[width];
            Span<float> bt = stackalloc float[width];
            Span<float> bw = stackalloc float[width];
            bx.Clear();
            bt.Clear();
            bw.Clear();
            for (int k = 0; k < rest; k++)
            {
                bx[k] = x[i + k];
                if (t != null) bt[k] = t[i + k];
                bw[k] = w == null ? 1f : w[i + k];
            }
            op.Eval(new Vector<float>(bx), new Vector<float>(bt), out var l, out var g);
            var wv = new Vector<float>(bw);
            var zero = Vector.Equals(wv, Vector<float>.Zero);
            l = Vector.ConditionalSelect(zero, Vector<float>.Zero, l * wv) * rowWeight;
            g = Vector.ConditionalSelect(zero, Vector<float>.Zero, g * wv) * gs;
            for (int k = 0; k < rest; k++)
            {
                if (lossOut != null) lossOut[i + k] = l[k];
                if (gradOut != null) gradOut[i + k] = g[k];
                total += l[k];
            }
        }
        return total;
    }

    /// <summary>Loss and derivative of a single element, through the same vector arithmetic.</summary>
    public static (float Loss, float Grad) One<T>(T op, float x, float t) where T : struct, ILossKernel
    {
        op.Eval(new Vector<float>(x), new Vector<float>(t), out var l, out var g);
        return (l[0], g[0]);
    }
}
