using Xunit;

namespace RetinaSharp.Tensors.Tests;

public sealed class ConvolutionTests
{
    private readonly RandomGenerator _rng = new(31);

    [Theory]
    [InlineData("conv_groups_stride2")]
    [InlineData("conv_dilated_rect")]
    [InlineData("conv_1x1_stride2")]
    public void Conv2d_forward_and_gradients_match_torch(string name)
    {
        var f = TorchFixtures.Ops;
        var p = f.Params.GetProperty(name);
        (int, int) Pair(string key) => (p.GetProperty(key)[0].GetInt32(), p.GetProperty(key)[1].GetInt32());
        var (stride, padding, dilation) = (Pair("stride"), Pair("padding"), Pair("dilation"));
        int groups = p.GetProperty("groups").GetInt32();
        bool bias = p.GetProperty("bias").GetBoolean();
        using var x = f.Tensor(name + ".x");
        using var w = f.Tensor(name + ".w");
        using var b = bias ? f.Tensor(name + ".b") : null;
        using var gy = f.Tensor(name + ".gy");
        Tensor[] inputs = b == null ? [x, w] : [x, w, b];
        Func<Tensor[], Tensor> fn = v => Functional.Conv2d(v[0], v[1], v.Length > 2 ? v[2] : null, stride, padding, dilation, groups);
        using (var y = fn(inputs)) Close.Fixture(name + ".y", y);
        var g = GradCheck.Gradients(fn, inputs, gy);
        Close.Fixture(name + ".gx", g[0]);
        Close.Fixture(name + ".gw", g[1]);
        if (b != null) Close.Fixture(name + ".gb", g[2]);
        foreach (var t in g) t.Dispose();
    }

    [Fact]
    public void Conv2d_gradients_match_finite_differences_with_padding_stride_groups_and_strided_inputs()
    {
        GradCheck.Check(v => Functional.Conv2d(v[0], v[1], v[2], stride: 2, padding: 1),
            [GradCheck.Random(_rng, 1, 2, 5, 4), GradCheck.Random(_rng, 3, 2, 3, 3), GradCheck.Random(_rng, 3)]);
        GradCheck.Check(v => Functional.Conv2d(v[0], v[1], null, (1, 2), (0, 1), (2, 1), groups: 2),
            [GradCheck.Random(_rng, 2, 4, 6, 3), GradCheck.Random(_rng, 2, 2, 2, 2)]);
        // Input given as an NHWC tensor permuted to NCHW (non-contiguous), bias only trainable.
        using var weight = GradCheck.Random(_rng, 2, 3, 3, 3);
        GradCheck.Check(v => { using var t = v[0].Permute(0, 3, 1, 2); return Functional.Conv2d(t, weight, v[1], padding: 1); },
            [GradCheck.Random(_rng, 1, 4, 5, 3), GradCheck.Random(_rng, 2)]);
    }

    [Fact]
    public void Linear_matches_a_direct_product_and_finite_differences()
    {
        using var x = GradCheck.Random(_rng, 2, 3, 4);
        using var w = GradCheck.Random(_rng, 5, 4);
        using var b = GradCheck.Random(_rng, 5);
        using var y = Functional.Linear(x, w, b);
        Assert.Equal([2, 3, 5], y.Shape.ToArray());
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int o = 0; o < 5; o++)
                {
                    double s = b[o];
                    for (int k = 0; k < 4; k++) s += x[i, j, k] * w[o, k];
                    Assert.Equal(s, y[i, j, o], 5);
                }
        GradCheck.Check(v => Functional.Linear(v[0], v[1], v[2]), [GradCheck.Random(_rng, 3, 4), GradCheck.Random(_rng, 2, 4), GradCheck.Random(_rng, 2)]);
        GradCheck.Check(v => { using var t = v[0].Transpose(0, 1); return Functional.Linear(t, v[1]); }, [GradCheck.Random(_rng, 4, 3), GradCheck.Random(_rng, 2, 4)]);
    }
}
