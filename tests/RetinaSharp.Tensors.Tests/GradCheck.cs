using RetinaSharp.Tensors;
using Xunit;

namespace RetinaSharp.Tensors.Tests;

/// <summary>
/// Compares autograd gradients with central finite differences. The engine computes in float32,
/// so the scalar objective L = Σ wᵢ·outᵢ (fixed random w) is accumulated in double from the float
/// outputs; with a step of 1e-2 on O(1) inputs the truncation error of a smooth op is ~1e-5 and
/// the rounding error of a float32 output ~1e-7·|L|/1e-2, so a 1e-2 relative tolerance separates
/// correct gradients from wrong ones (a wrong factor or a missed term is off by O(1)).
/// </summary>
public static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-2, double rtol = 1e-2, double atol = 2e-3, ulong seed = 7)
    {
        foreach (var x in inputs) x.RequiresGrad = true;
        using var outTensor = f(inputs);
        var rng = new RandomGenerator(seed);
        var w = new double[outTensor.NumElements];
        for (int i = 0; i < w.Length; i++) w[i] = rng.Uniform(-1, 1);
        using var wt = Tensor.FromArray(Array.ConvertAll(w, v => (float)v), outTensor.Shape.ToArray());
        using (var l = outTensor.Mul(wt))
        using (var s = l.Sum())
            s.Backward();

        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            var analytic = x.Grad?.ToArray() ?? new float[x.NumElements];
            var data = x.Data;
            for (int i = 0; i < data.Length; i++)
            {
                float orig = data[i];
                data[i] = (float)(orig + eps);
                double lp = Objective(f, inputs, w);
                data[i] = (float)(orig - eps);
                double lm = Objective(f, inputs, w);
                data[i] = orig;
                double numeric = (lp - lm) / (2 * eps);
                double diff = Math.Abs(numeric - analytic[i]);
                Assert.True(diff <= atol + rtol * Math.Abs(numeric),
                    $"input {k} element {i}: autograd {analytic[i]:G6}, finite difference {numeric:G6}");
            }
        }
        foreach (var x in inputs) { x.Grad?.Dispose(); x.Grad = null; }
    }

    private static double Objective(Func<Tensor[], Tensor> f, Tensor[] inputs, double[] w)
    {
        using var _ = Autograd.NoGrad();
        using var o = f(inputs);
        var v = o.ToArray();
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += w[i] * v[i];
        return s;
    }

    public static Tensor Random(RandomGenerator rng, params int[] shape) => Tensor.Rand(shape, rng, -1, 1);

    /// <summary>Values bounded away from zero (for division and logs).</summary>
    public static Tensor RandomPositive(RandomGenerator rng, params int[] shape) => Tensor.Rand(shape, rng, 0.5f, 2f);

    /// <summary>Values in ±[margin, 1]: at least <paramref name="margin"/> from a kink at 0 (relu, abs, sign).</summary>
    public static Tensor AwayFromZero(RandomGenerator rng, float margin, params int[] shape)
    {
        var t = Tensor.Rand(shape, rng, margin, 1f);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) if (rng.NextBool()) d[i] = -d[i];
        return t;
    }

    /// <summary>
    /// Distinct values at least <paramref name="spacing"/> apart, in random order (a shuffled ramp),
    /// so a finite-difference step cannot change which element is a maximum.
    /// </summary>
    public static Tensor Separated(RandomGenerator rng, float spacing, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (i - d.Length / 2) * spacing;
        rng.Shuffle(d);
        return t;
    }

    /// <summary>Gradients of f's inputs for the upstream gradient <paramref name="gy"/> (inputs get RequiresGrad).</summary>
    public static Tensor[] Gradients(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor? gy)
    {
        foreach (var x in inputs) { x.Grad?.Dispose(); x.Grad = null; x.RequiresGrad = true; }
        using (var y = f(inputs)) y.Backward(gy);
        var grads = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            grads[i] = inputs[i].Grad ?? Tensor.Zeros(inputs[i].Shape);
            inputs[i].Grad = null;
        }
        return grads;
    }
}
