using System.Numerics.Tensors;

namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    /// <summary>exp(x − max) / Σ exp(x − max) along <paramref name="dim"/>.</summary>
    public Tensor Softmax(int dim) => SoftmaxImpl(dim, log: false);

    /// <summary>x − max − log Σ exp(x − max) along <paramref name="dim"/> (never the log of a rounded probability).</summary>
    public Tensor LogSoftmax(int dim) => SoftmaxImpl(dim, log: true);

    private Tensor SoftmaxImpl(int dim, bool log)
    {
        RequireFloat();
        int d = NormalizeDim(dim, Rank);
        var (outer, n, inner) = SplitAt(d);
        var y = Allocate(_shape);
        using (var c = ContiguousNoGrad())
        {
            nint px = (nint)c.FloatPointer, py = (nint)y.FloatPointer;
            ParallelRange.ForUnits(checked((int)outer), n * inner, (first, end) =>
            {
                Span<float> scratch = inner == 1 ? default : new float[2 * inner];
                for (long o = first; o < end; o++)
                    SoftmaxBlock((float*)px + o * n * inner, (float*)py + o * n * inner, n, (int)inner, log, scratch);
            });
        }
        return Autograd.Record(y, log ? "log_softmax" : "softmax", [this], (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            var gx = Allocate(y._shape);
            float* pg = gc.FloatPointer, py = y.FloatPointer, po = gx.FloatPointer;
            var acc = new double[inner];
            for (long o = 0; o < outer; o++)
            {
                long b = o * n * inner;
                // softmax: gx = y ⊙ (g − Σ g⊙y);  log-softmax: gx = g − e^y · Σ g.
                Array.Clear(acc);
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < inner; i++)
                    {
                        long at = b + (long)j * inner + i;
                        acc[i] += log ? pg[at] : pg[at] * py[at];
                    }
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < inner; i++)
                    {
                        long at = b + (long)j * inner + i;
                        po[at] = log ? pg[at] - MathF.Exp(py[at]) * (float)acc[i] : py[at] * (pg[at] - (float)acc[i]);
                    }
            }
            gi[0] = gx;
        });
    }

    /// <summary>Softmax of one [n, inner] block; scratch holds 2·inner floats when inner &gt; 1.</summary>
    private static void SoftmaxBlock(float* x, float* y, int n, int inner, bool log, Span<float> scratch)
    {
        if (inner == 1)
        {
            var xs = new ReadOnlySpan<float>(x, n);
            var ys = new Span<float>(y, n);
            float m = n == 0 ? 0 : TensorPrimitives.Max(xs);
            if (float.IsInfinity(m)) m = 0;
            TensorPrimitives.Subtract(xs, m, ys);
            if (log)
            {
                // y = (x − m) − log Σ e^(x − m); the exponentials go through a temporary pass over y.
                double s = 0;
                for (int j = 0; j < n; j++) s += MathF.Exp(ys[j]);
                TensorPrimitives.Subtract(ys, (float)Math.Log(s), ys);
            }
            else
            {
                TensorPrimitives.Exp(ys, ys);
                float s = TensorPrimitives.Sum<float>(ys);
                TensorPrimitives.Multiply(ys, 1f / s, ys);
            }
            return;
        }
        var max = scratch[..inner];
        var sum = scratch.Slice(inner, inner);
        max.Fill(float.NegativeInfinity);
        sum.Clear();
        for (int j = 0; j < n; j++)
            TensorPrimitives.Max(max, new ReadOnlySpan<float>(x + (long)j * inner, inner), max);
        for (int i = 0; i < inner; i++) if (float.IsInfinity(max[i])) max[i] = 0;
        for (int j = 0; j < n; j++)
        {
            var ys = new Span<float>(y + (long)j * inner, inner);
            TensorPrimitives.Subtract(new ReadOnlySpan<float>(x + (long)j * inner, inner), max, ys);
            if (log)
                for (int i = 0; i < inner; i++) sum[i] += MathF.Exp(ys[i]);
            else
            {
                TensorPrimitives.Exp(ys, ys);
                TensorPrimitives.Add(sum, ys, sum);
            }
        }
        if (log)
        {
            TensorPrimitives.Log(sum, sum);
            for (int j = 0; j < n; j++)
            {
                var ys = new Span<float>(y + (long)j * inner, inner);
                TensorPrimitives.Subtract(ys, sum, ys);
            }
        }
        else
        {
            TensorPrimitives.Reciprocal(sum, sum);
            for (int j = 0; j < n; j++)
            {
                var ys = new Span<float>(y + (long)j * inner, inner);
                TensorPrimitives.Multiply(ys, sum, ys);
            }
        }
    }
}
