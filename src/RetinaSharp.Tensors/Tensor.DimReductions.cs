using System.Numerics.Tensors;

namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    /// <summary>
    /// Largest values along <paramref name="dim"/> and their positions (Int64). Ties give the first
    /// position and NaN counts as the largest, as in torch. The gradient goes to the chosen positions.
    /// </summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => Extreme(dim, keepDim, max: true);

    /// <summary>Smallest values along <paramref name="dim"/> and their positions (first on ties, NaN first).</summary>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => Extreme(dim, keepDim, max: false);

    /// <summary>Position (Int64) of the largest value along <paramref name="dim"/>.</summary>
    public Tensor ArgMax(int dim, bool keepDim = false)
    {
        var (v, i) = Extreme(dim, keepDim, max: true, record: false);
        v.Dispose();
        return i;
    }

    /// <summary>Position (Int64) of the smallest value along <paramref name="dim"/>.</summary>
    public Tensor ArgMin(int dim, bool keepDim = false)
    {
        var (v, i) = Extreme(dim, keepDim, max: false, record: false);
        v.Dispose();
        return i;
    }

    /// <summary>log Σ exp(x) along <paramref name="dim"/>, shifted by the maximum so it cannot overflow.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false)
    {
        RequireFloat();
        int d = NormalizeDim(dim, Rank);
        var (outer, n, inner) = SplitAt(d);
        var keepShape = _shape.ToArray();
        keepShape[d] = 1;
        var r = Allocate(keepShape);
        using (var c = ContiguousNoGrad())
            LogSumExpKernel(c.FloatPointer, r.FloatPointer, outer, n, inner);
        var result = keepDim ? r : DropDim(r, d);
        var inShape = _shape;
        return Autograd.Record(result, "logsumexp", [this], (g, gi) =>
        {
            // d/dx_j = exp(x_j − lse)
            using var x = ContiguousNoGrad();
            using var gk = g.Reshape(keepShape);
            using var gc = gk.ContiguousNoGrad();
            var gx = Allocate(inShape);
            float* px = x.FloatPointer, pl = result.FloatPointer, pg = gc.FloatPointer, po = gx.FloatPointer;
            for (long o = 0; o < outer; o++)
                for (int j = 0; j < n; j++)
                    for (long i = 0; i < inner; i++)
                    {
                        long at = (o * n + j) * inner + i, k = o * inner + i;
                        po[at] = pg[k] * MathF.Exp(px[at] - pl[k]);
                    }
            gi[0] = gx;
        });
    }

    private (Tensor Values, Tensor Indices) Extreme(int dim, bool keepDim, bool max, bool record = true)
    {
        RequireFloat();
        int d = NormalizeDim(dim, Rank);
        var (outer, n, inner) = SplitAt(d);
        if (n == 0) throw new ArgumentException($"{(max ? "Max" : "Min")} over an empty dimension {d}.");
        var keepShape = _shape.ToArray();
        keepShape[d] = 1;
        var values = Allocate(keepShape);
        var indices = Allocate(keepShape, DType.Int64);
        using (var c = ContiguousNoGrad())
        {
            float* x = c.FloatPointer, v = values.FloatPointer;
            long* ix = (long*)indices.DataPointer;
            for (long o = 0; o < outer; o++)
            {
                float* row = x + o * n * inner;
                float* vo = v + o * inner;
                long* io = ix + o * inner;
                if (inner == 1)
                {
                    var span = new ReadOnlySpan<float>(row, n);
                    int best = max ? TensorPrimitives.IndexOfMax(span) : TensorPrimitives.IndexOfMin(span);
                    *vo = row[best];
                    *io = best;
                    continue;
                }
                for (long i = 0; i < inner; i++) { vo[i] = row[i]; io[i] = 0; }
                for (int j = 1; j < n; j++)
                {
                    float* rj = row + j * inner;
                    for (long i = 0; i < inner; i++)
                    {
                        float a = rj[i], b = vo[i];
                        bool better = float.IsNaN(a) ? !float.IsNaN(b) : (max ? a > b : a < b);
                        if (better) { vo[i] = a; io[i] = j; }
                    }
                }
            }
        }
        var vOut = keepDim ? values : DropDim(values, d);
        var iOut = keepDim ? indices : DropDim(indices, d);
        if (!record) return (vOut, iOut);
        var inShape = _shape;
        var saved = Autograd.NeedsGrad(this) ? iOut.CloneDetached() : null;
        vOut = Autograd.Record(vOut, max ? "max_dim" : "min_dim", [this], (g, gi) =>
        {
            using var gk = g.Reshape(keepShape);
            using var gc = gk.ContiguousNoGrad();
            var gx = Zeros(inShape);
            float* pg = gc.FloatPointer, po = gx.FloatPointer;
            long* pi = (long*)saved!.DataPointer;
            for (long o = 0; o < outer; o++)
                for (long i = 0; i < inner; i++)
                    po[(o * n + pi[o * inner + i]) * inner + i] = pg[o * inner + i];
            gi[0] = gx;
        }, saved is null ? null : [saved]);
        return (vOut, iOut);
    }

    /// <summary>A view of <paramref name="t"/> without size-1 dimension <paramref name="dim"/>; disposes t.</summary>
    private static Tensor DropDim(Tensor t, int dim)
    {
        var shape = new int[t.Rank - 1];
        for (int i = 0, k = 0; i < t.Rank; i++) if (i != dim) shape[k++] = t._shape[i];
        var v = t.MakeView(shape, ContiguousStrides(shape), t.Offset);
        t.Dispose();
        return v;
    }

    private static void LogSumExpKernel(float* x, float* r, long outer, int n, long inner)
    {
        for (long o = 0; o < outer; o++)
        {
            float* row = x + o * n * inner;
            for (long i = 0; i < inner; i++)
            {
                float m = float.NegativeInfinity;
                for (int j = 0; j < n; j++) m = MathF.Max(m, row[j * inner + i]);
                // All −∞ (or empty): the sum is 0 and the result −∞; a shift of 0 avoids −∞ − −∞.
                float shift = float.IsInfinity(m) ? 0f : m;
                double s = 0;
                for (int j = 0; j < n; j++) s += MathF.Exp(row[j * inner + i] - shift);
                r[o * inner + i] = shift + (float)Math.Log(s);
            }
        }
    }
}
