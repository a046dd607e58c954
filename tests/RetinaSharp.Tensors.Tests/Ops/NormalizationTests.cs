using Xunit;

namespace RetinaSharp.Tensors.Tests;

public sealed class NormalizationTests
{
    private readonly RandomGenerator _rng = new(53);

    [Theory]
    [InlineData("gn_4d")]
    [InlineData("gn_3d")]
    public void GroupNorm_forward_and_gradients_match_torch(string name)
    {
        var f = TorchFixtures.Ops;
        int groups = f.Params.GetProperty(name).GetProperty("groups").GetInt32();
        using var x = f.Tensor(name + ".x");
        using var w = f.Tensor(name + ".w");
        using var b = f.Tensor(name + ".b");
        using var gy = f.Tensor(name + ".gy");
        Func<Tensor[], Tensor> fn = v => Functional.GroupNorm(v[0], groups, v[1], v[2], 1e-5f);
        using (var y = fn([x, w, b])) Close.Fixture(name + ".y", y);
        var g = GradCheck.Gradients(fn, [x, w, b], gy);
        Close.Fixture(name + ".gx", g[0]);
        Close.Fixture(name + ".gw", g[1]);
        Close.Fixture(name + ".gb", g[2]);
        foreach (var t in g) t.Dispose();
    }

    [Fact]
    public void GroupNorm_gradients_match_finite_differences()
    {
        GradCheck.Check(v => Functional.GroupNorm(v[0], 2, v[1], v[2]),
            [GradCheck.Random(_rng, 2, 4, 3, 3), GradCheck.RandomPositive(_rng, 4), GradCheck.Random(_rng, 4)]);
        GradCheck.Check(v => { using var t = v[0].Permute(0, 3, 1, 2); return Functional.GroupNorm(t, 3, null, null); },
            [GradCheck.Random(_rng, 2, 2, 5, 6)]);
    }

    [Fact]
    public void BatchNorm_training_matches_torch_including_the_running_statistics_update()
    {
        var f = TorchFixtures.Ops;
        using var x = f.Tensor("bn_train.x");
        using var w = f.Tensor("bn_train.w");
        using var b = f.Tensor("bn_train.b");
        using var gy = f.Tensor("bn_train.gy");
        using var rm = f.Tensor("bn_train.rm");
        using var rv = f.Tensor("bn_train.rv");
        var g = GradCheck.Gradients(v =>
        {
            var y = Functional.BatchNorm(v[0], rm, rv, v[1], v[2], training: true, momentum: 0.1f, eps: 1e-5f);
            Close.Fixture("bn_train.y", y);
            return y;
        }, [x, w, b], gy);
        Close.Fixture("bn_train.rm_after", rm, rtol: 1e-5);
        Close.Fixture("bn_train.rv_after", rv, rtol: 1e-5);
        Close.Fixture("bn_train.gx", g[0]);
        Close.Fixture("bn_train.gw", g[1]);
        Close.Fixture("bn_train.gb", g[2]);
        foreach (var t in g) t.Dispose();
    }

    [Fact]
    public void BatchNorm_evaluation_uses_running_statistics_and_matches_torch()
    {
        var f = TorchFixtures.Ops;
        using var x = f.Tensor("bn_eval.x");
        using var w = f.Tensor("bn_eval.w");
        using var b = f.Tensor("bn_eval.b");
        using var gy = f.Tensor("bn_eval.gy");
        using var rm = f.Tensor("bn_eval.rm");
        using var rv = f.Tensor("bn_eval.rv");
        Func<Tensor[], Tensor> fn = v => Functional.BatchNorm(v[0], rm, rv, v[1], v[2], training: false, eps: 1e-5f);
        using (var y = fn([x, w, b])) Close.Fixture("bn_eval.y", y);
        var g = GradCheck.Gradients(fn, [x, w, b], gy);
        Close.Fixture("bn_eval.gx", g[0]);
        Close.Fixture("bn_eval.gw", g[1]);
        Close.Fixture("bn_eval.gb", g[2]);
        Close.Fixture("bn_eval.rm_after", rm, rtol: 0, atol: 0);
        Close.Fixture("bn_eval.rv_after", rv, rtol: 0, atol: 0);
        foreach (var t in g) t.Dispose();
    }

    [Fact]
    public void BatchNorm_gradients_match_finite_differences_in_both_modes()
    {
        GradCheck.Check(v => Functional.BatchNorm(v[0], null, null, v[1], v[2], training: true),
            [GradCheck.Random(_rng, 3, 2, 2, 3), GradCheck.RandomPositive(_rng, 2), GradCheck.Random(_rng, 2)]);
        using var rm = GradCheck.Random(_rng, 3);
        using var rv = GradCheck.RandomPositive(_rng, 3);
        GradCheck.Check(v => { using var t = v[0].Transpose(0, 1); return Functional.BatchNorm(t, rm, rv, v[1], null, training: false); },
            [GradCheck.Random(_rng, 3, 2, 4), GradCheck.Random(_rng, 3)]);
        Assert.Throws<ArgumentException>(() => Functional.BatchNorm(Tensor.Zeros([1, 2, 1, 1]), null, null, null, null, training: true));
    }

    [Fact]
    public void Frozen_batch_norm_matches_torchvision_and_passes_gradient_to_the_input_only()
    {
        var f = TorchFixtures.Ops;
        using var x = f.Tensor("frozen_bn.x");
        using var gy = f.Tensor("frozen_bn.gy");
        using var bn = new Nn.FrozenBatchNorm2d(3);
        bn.Weight.CopyFrom(f.Tensor("frozen_bn.weight"));
        bn.Bias.CopyFrom(f.Tensor("frozen_bn.bias"));
        bn.RunningMean.CopyFrom(f.Tensor("frozen_bn.running_mean"));
        bn.RunningVar.CopyFrom(f.Tensor("frozen_bn.running_var"));
        using (var y = bn.Forward(x)) Close.Fixture("frozen_bn.y", y);
        var g = GradCheck.Gradients(v => bn.Forward(v[0]), [x], gy);
        Close.Fixture("frozen_bn.gx", g[0]);
        g[0].Dispose();
        Assert.Empty(bn.Parameters());
        Assert.Null(bn.Weight.Grad);
        Assert.Equal(["weight", "bias", "running_mean", "running_var"], bn.StateDict().ConvertAll(kv => kv.Key));
    }

    [Fact]
    public void Channel_affine_gradients_match_finite_differences()
    {
        GradCheck.Check(v => Functional.ChannelAffine(v[0], v[1], v[2]), [GradCheck.Random(_rng, 2, 3, 2, 2), GradCheck.Random(_rng, 3), GradCheck.Random(_rng, 3)]);
        GradCheck.Check(v => { using var t = v[0].Transpose(1, 2); return Functional.ChannelAffine(t, v[1], v[2]); },
            [GradCheck.Random(_rng, 2, 4, 3), GradCheck.Random(_rng, 3), GradCheck.Random(_rng, 3)]);
    }
}
