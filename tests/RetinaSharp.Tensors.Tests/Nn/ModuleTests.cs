using RetinaSharp.Tensors.Nn;
using Xunit;

namespace RetinaSharp.Tensors.Tests;

public sealed class ModuleTests
{
    [Fact]
    public void Layers_register_torch_names_and_shapes()
    {
        using var net = new Sequential(
            new Conv2d(3, 8, 3, padding: 1, bias: false, rng: new RandomGenerator(1)),
            new BatchNorm2d(8),
            new ReLU(),
            new MaxPool2d(3, stride: 2, padding: 1),
            new Conv2d(8, 4, 1, rng: new RandomGenerator(2)),
            new GroupNorm(2, 4),
            new FrozenBatchNorm2d(4),
            new Identity());
        var names = net.StateDict().ConvertAll(kv => $"{kv.Key}:{Tensor.FormatShape(kv.Value.Shape)}:{kv.Value.DType}");
        Assert.Equal(
        [
            "0.weight:[8, 3, 3, 3]:Float32",
            "1.weight:[8]:Float32", "1.bias:[8]:Float32", "1.running_mean:[8]:Float32", "1.running_var:[8]:Float32", "1.num_batches_tracked:[]:Int64",
            "4.weight:[4, 8, 1, 1]:Float32", "4.bias:[4]:Float32",
            "5.weight:[4]:Float32", "5.bias:[4]:Float32",
            "6.weight:[4]:Float32", "6.bias:[4]:Float32", "6.running_mean:[4]:Float32", "6.running_var:[4]:Float32",
        ], names);
        Assert.Equal(["0.weight", "1.weight", "1.bias", "4.weight", "4.bias", "5.weight", "5.bias"],
            net.NamedParameters().Select(p => p.Name).ToArray());
        using var x = Tensor.Rand([2, 3, 9, 7], new RandomGenerator(3));
        using var y = net.Forward(x);
        Assert.Equal([2, 4, 5, 4], y.Shape.ToArray());
        using var lin = new Linear(6, 2, rng: new RandomGenerator(4));
        Assert.Equal(["weight", "bias"], lin.StateDict().ConvertAll(kv => kv.Key));
    }

    [Fact]
    public void Modules_compute_what_the_functional_ops_compute()
    {
        var rng = new RandomGenerator(5);
        using var x = Tensor.Rand([2, 4, 6, 5], rng, -1, 1);
        using var conv = new Conv2d(4, 6, 3, stride: 2, padding: 1, groups: 2, rng: rng);
        using (var a = conv.Forward(x))
        using (var b = Functional.Conv2d(x, conv.Weight, conv.Bias, 2, 1, 1, 2))
            Assert.Equal(b.ToArray(), a.ToArray());
        using var gn = new GroupNorm(2, 4);
        using (var a = gn.Forward(x))
        using (var b = Functional.GroupNorm(x, 2, null, null))
            Close.Assert(b, a, "group norm module");
        using var pool = new MaxPool2d(2);
        using (var a = pool.Forward(x))
        using (var b = Functional.MaxPool2d(x, 2, 2))
            Assert.Equal(b.ToArray(), a.ToArray());
        using var relu = new ReLU();
        using (var a = relu.Forward(x))
        using (var b = x.Relu())
            Assert.Equal(b.ToArray(), a.ToArray());
    }

    [Fact]
    public void BatchNorm2d_updates_statistics_in_training_and_uses_them_in_evaluation()
    {
        var rng = new RandomGenerator(6);
        using var bn = new BatchNorm2d(3, momentum: 0.5f);
        using var x = Tensor.Rand([4, 3, 2, 2], rng, 1, 3);
        using (var y = bn.Forward(x)) { }
        using (var y = bn.Forward(x)) { }
        Assert.Equal(2f, bn.NumBatchesTracked.Item());
        for (int c = 0; c < 3; c++)
        {
            double mean = 0, sq = 0;
            for (int n = 0; n < 4; n++) for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) mean += x[n, c, i, j];
            mean /= 16;
            for (int n = 0; n < 4; n++) for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) sq += Math.Pow(x[n, c, i, j] - mean, 2);
            double unbiased = sq / 15;
            // Two updates with momentum 0.5 from (0, 1): 0.75·batch + 0.25·initial.
            Assert.Equal(0.75 * mean, bn.RunningMean[c], 5);
            Assert.Equal(0.75 * unbiased + 0.25, bn.RunningVar[c], 5);
        }
        bn.Eval();
        using var ye = bn.Forward(x);
        Assert.Equal(2f, bn.NumBatchesTracked.Item());
        Assert.Equal((x[1, 2, 0, 1] - bn.RunningMean[2]) / Math.Sqrt(bn.RunningVar[2] + 1e-5), ye[1, 2, 0, 1], 5);
    }

    [Fact]
    public void Default_conv_and_linear_initialisation_is_uniform_within_torch_bounds()
    {
        using var conv = new Conv2d(32, 64, 3, rng: new RandomGenerator(7));
        double bound = 1 / Math.Sqrt(32 * 9);
        AssertUniform(conv.Weight.ToArray(), -bound, bound);
        AssertUniform(conv.Bias!.ToArray(), -bound, bound, loose: true);
        using var lin = new Linear(500, 40, rng: new RandomGenerator(8));
        AssertUniform(lin.Weight.ToArray(), -1 / Math.Sqrt(500), 1 / Math.Sqrt(500));
    }

    [Fact]
    public void Initialisers_draw_the_right_distributions()
    {
        var rng = new RandomGenerator(9);
        using var w = Tensor.Zeros([256, 64, 3, 3]);
        Init.Normal(w, rng, 0.5f, 0.01f);
        AssertNormal(w.ToArray(), 0.5, 0.01);
        Init.Normal(w, 0f, 2f, rng);
        AssertNormal(w.ToArray(), 0, 2);
        Init.KaimingNormal(w, rng, fanOut: true);
        AssertNormal(w.ToArray(), 0, Math.Sqrt(2.0 / (256 * 9)));
        Init.KaimingNormal(w, rng);
        AssertNormal(w.ToArray(), 0, Math.Sqrt(2.0 / (64 * 9)));
        Init.KaimingUniform(w, rng, a: 1);
        AssertUniform(w.ToArray(), -Math.Sqrt(3.0 / (64 * 9)), Math.Sqrt(3.0 / (64 * 9)));
        Init.Uniform(w, rng, -3f, -1f);
        AssertUniform(w.ToArray(), -3, -1);
        Init.XavierUniform(w, rng);
        double xb = Math.Sqrt(6.0 / (64 * 9 + 256 * 9));
        AssertUniform(w.ToArray(), -xb, xb);
        Init.Constant(w, -4.595f);
        Assert.All(w.ToArray(), v => Assert.Equal(-4.595f, v));
        Assert.Equal((64 * 9, 256 * 9), Init.Fans(w));
    }

    private static void AssertNormal(float[] v, double mean, double std)
    {
        double m = v.Average(x => (double)x);
        double s = Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1));
        int within = v.Count(x => Math.Abs(x - mean) <= std);
        // Standard errors for n = 147456: mean σ/384, std ≈ σ/543, fraction within 1σ ≈ 0.0012.
        Assert.True(Math.Abs(m - mean) < 5 * std / Math.Sqrt(v.Length), $"mean {m}, expected {mean}");
        Assert.True(Math.Abs(s / std - 1) < 0.01, $"std {s}, expected {std}");
        Assert.True(Math.Abs((double)within / v.Length - 0.6827) < 0.006, $"fraction within 1σ {(double)within / v.Length}");
    }

    private static void AssertUniform(float[] v, double low, double high, bool loose = false)
    {
        Assert.All(v, x => Assert.True(x >= low && x <= high, $"{x} outside [{low}, {high}]"));
        double m = v.Average(x => (double)x);
        double var = v.Sum(x => (x - m) * (x - m)) / (v.Length - 1);
        double width = high - low;
        double meanTol = (loose ? 6 : 5) * width / Math.Sqrt(12 * v.Length);
        Assert.True(Math.Abs(m - (low + high) / 2) < meanTol, $"mean {m}");
        if (!loose) Assert.True(Math.Abs(var / (width * width / 12) - 1) < 0.03, $"variance {var}, expected {width * width / 12}");
        // Both halves of the range are used.
        Assert.Contains(v, x => x < low + width * 0.05);
        Assert.Contains(v, x => x > high - width * 0.05);
    }
}
