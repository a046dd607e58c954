using Xunit;

namespace RetinaSharp.Tensors.Tests;

public sealed class PoolingTests
{
    private readonly RandomGenerator _rng = new(41);

    [Theory]
    [InlineData("maxpool_k3s2p1")]
    [InlineData("maxpool_k2s2")]
    [InlineData("maxpool_dilated_ceil")]
    [InlineData("maxpool_k3s1p1_ceil")]
    public void MaxPool2d_forward_and_gradient_match_torch(string name)
    {
        var f = TorchFixtures.Ops;
        var p = f.Params.GetProperty(name);
        int k = p.GetProperty("kernel").GetInt32(), s = p.GetProperty("stride").GetInt32();
        int pad = p.GetProperty("padding").GetInt32(), d = p.GetProperty("dilation").GetInt32();
        bool ceil = p.GetProperty("ceil_mode").GetBoolean();
        using var x = f.Tensor(name + ".x");
        using var gy = f.Tensor(name + ".gy");
        Func<Tensor[], Tensor> fn = v => Functional.MaxPool2d(v[0], k, s, pad, d, ceil);
        using (var y = fn([x])) Close.Fixture(name + ".y", y, rtol: 0, atol: 0);
        var g = GradCheck.Gradients(fn, [x], gy);
        Close.Fixture(name + ".gx", g[0], rtol: 0, atol: 0);
        g[0].Dispose();
    }

    [Fact]
    public void MaxPool2d_routes_ties_to_the_first_maximum_and_pads_with_minus_infinity()
    {
        using var x = Tensor.FromArray([-5f, -5f, -5f, -5f], 1, 1, 2, 2);
        var g = GradCheck.Gradients(v => Functional.MaxPool2d(v[0], 2, 2).Sum(), [x], null);
        Assert.Equal([1f, 0f, 0f, 0f], g[0].ToArray());
        g[0].Dispose();
        using var y = Functional.MaxPool2d(x, 3, 1, 1);
        Assert.Equal([-5f, -5f, -5f, -5f], y.ToArray());
    }

    [Fact]
    public void MaxPool2d_inference_and_training_paths_agree_and_propagate_nan()
    {
        using var x = GradCheck.Random(_rng, 2, 3, 7, 6);
        x.Data[5] = float.NaN; // plane 0, row 0, column 5
        using var inference = Functional.MaxPool2d(x, 3, 2, 1, ceilMode: true);
        x.RequiresGrad = true;
        using var training = Functional.MaxPool2d(x, 3, 2, 1, ceilMode: true);
        Assert.Equal(inference.ToArray(), training.ToArray());
        Assert.True(float.IsNaN(inference[0, 0, 0, 2]) && float.IsNaN(inference[0, 0, 0, 3]));
        Assert.False(float.IsNaN(inference[0, 0, 0, 1]) || float.IsNaN(inference[0, 0, 1, 2]));
    }

    [Fact]
    public void MaxPool2d_gradient_matches_finite_differences_on_odd_and_strided_inputs()
    {
        GradCheck.Check(v => Functional.MaxPool2d(v[0], 3, 2, 1), [GradCheck.Separated(_rng, 0.05f, 1, 2, 5, 7)]);
        GradCheck.Check(v => Functional.MaxPool2d(v[0], 2, 1, 0, 2, ceilMode: true), [GradCheck.Separated(_rng, 0.05f, 1, 1, 6, 5)]);
        GradCheck.Check(v => { using var t = v[0].Permute(0, 3, 1, 2); return Functional.MaxPool2d(t, 3, 2, 1, ceilMode: true); },
            [GradCheck.Separated(_rng, 0.05f, 1, 6, 5, 2)]);
    }

    [Theory]
    [InlineData("upsample_scale2")]
    [InlineData("upsample_to_10x14")]
    [InlineData("upsample_to_9x13")]
    [InlineData("upsample_to_12x16")]
    [InlineData("upsample_to_3x4")]
    public void Nearest_upsample_forward_and_gradient_match_torch(string name)
    {
        var f = TorchFixtures.Ops;
        var p = f.Params.GetProperty(name);
        using var x = f.Tensor("upsample_scale2.x");
        using var gy = f.Tensor(name + ".gy");
        Func<Tensor[], Tensor> fn = p.GetProperty("size").ValueKind == System.Text.Json.JsonValueKind.Null
            ? v => Functional.UpsampleNearest(v[0], p.GetProperty("scale").GetInt32())
            : v => Functional.UpsampleNearest(v[0], p.GetProperty("size")[0].GetInt32(), p.GetProperty("size")[1].GetInt32());
        using (var y = fn([x])) Close.Fixture(name + ".y", y, rtol: 0, atol: 0);
        var g = GradCheck.Gradients(fn, [x], gy);
        Close.Fixture(name + ".gx", g[0], rtol: 1e-6, atol: 0);
        g[0].Dispose();
    }

    [Fact]
    public void Nearest_upsample_uses_floor_of_scaled_index_and_sums_gradients()
    {
        using var x = Tensor.FromArray([1f, 2f, 3f], 1, 1, 1, 3);
        using var y = Functional.UpsampleNearest(x, 1, 7);
        // src = floor(dst · 3/7): 0 0 0 1 1 2 2
        Assert.Equal([1f, 1f, 1f, 2f, 2f, 3f, 3f], y.ToArray());
        GradCheck.Check(v => Functional.UpsampleNearest(v[0], 4, 5), [GradCheck.Random(_rng, 2, 1, 3, 2)]);
        GradCheck.Check(v => { using var t = v[0].Transpose(2, 3); return Functional.UpsampleNearest(t, 2); }, [GradCheck.Random(_rng, 1, 2, 3, 2)]);
        using var z = Functional.UpsampleNearest(x, 1.0, 2.5);
        Assert.Equal([1, 1, 1, 7], z.Shape.ToArray());
        // scale factor 2.5: src = floor(dst / 2.5): 0 0 0 1 1 2 2
        Assert.Equal([1f, 1f, 1f, 2f, 2f, 3f, 3f], z.ToArray());
    }
}
