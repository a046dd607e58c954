using Xunit;

namespace RetinaSharp.Tensors.Tests;

public sealed class ReductionOpTests
{
    private readonly RandomGenerator _rng = new(99);

    [Fact]
    public void Max_and_min_over_a_dim_return_first_index_on_ties_and_nan_wins()
    {
        using var x = Tensor.FromArray([3f, 7f, 7f, 1f, 5f, 2f, 5f, 0f], 2, 4);
        var (v, i) = x.Max(1);
        Assert.Equal([7f, 5f], v.ToArray());
        Assert.Equal([1L, 0L], i.ToArray<long>());
        v.Dispose(); i.Dispose();
        (v, i) = x.Min(0, keepDim: true);
        Assert.Equal([1, 4], v.Shape.ToArray());
        Assert.Equal([3f, 2f, 5f, 0f], v.ToArray());
        Assert.Equal([0L, 1L, 1L, 1L], i.ToArray<long>());
        v.Dispose(); i.Dispose();
        using var n = Tensor.FromArray([1f, float.NaN, 3f, float.NaN], 4);
        (v, i) = n.Max(0);
        Assert.True(float.IsNaN(v.Item()));
        Assert.Equal(1f, i.Item());
        v.Dispose(); i.Dispose();
        using var am = x.ArgMax(0);
        Assert.Equal([1L, 0L, 0L, 0L], am.ToArray<long>());
        using var amin = x.ArgMin(1);
        Assert.Equal([3L, 3L], amin.ToArray<long>());
        // Inner dimension > 1 (dim 0 of a 3-D tensor) against a direct scan.
        using var y = GradCheck.Separated(_rng, 0.1f, 4, 3, 5);
        (v, i) = y.Max(1);
        for (int a = 0; a < 4; a++)
            for (int c = 0; c < 5; c++)
            {
                int best = 0;
                for (int b = 1; b < 3; b++) if (y[a, b, c] > y[a, best, c]) best = b;
                Assert.Equal(best, (int)i[a, c]);
                Assert.Equal(y[a, best, c], v[a, c]);
            }
        v.Dispose(); i.Dispose();
    }

    [Fact]
    public void Max_min_and_logsumexp_gradients_match_finite_differences()
    {
        GradCheck.Check(x => x[0].Max(1).Values, [GradCheck.Separated(_rng, 0.05f, 3, 4, 2)]);
        GradCheck.Check(x => x[0].Min(0, keepDim: true).Values, [GradCheck.Separated(_rng, 0.05f, 3, 4)]);
        GradCheck.Check(x => { using var t = x[0].Transpose(0, 1); return t.Max(-1).Values; }, [GradCheck.Separated(_rng, 0.05f, 5, 3)]);
        GradCheck.Check(x => x[0].LogSumExp(1), [GradCheck.Random(_rng, 3, 4, 2)]);
        GradCheck.Check(x => x[0].LogSumExp(0, keepDim: true), [GradCheck.Random(_rng, 3, 4)]);
    }

    [Fact]
    public void LogSumExp_is_stable_and_matches_direct_sums()
    {
        using var x = Tensor.FromArray([1000f, 1000f, -1000f, 0f, 1f, 2f], 2, 3);
        using var l = x.LogSumExp(1);
        Assert.Equal(1000 + Math.Log(2), l[0], 3);
        Assert.Equal(Math.Log(1 + Math.E + Math.E * Math.E), l[1], 5);
        using var ninf = Tensor.Full([1, 2], float.NegativeInfinity);
        using var ln = ninf.LogSumExp(1);
        Assert.Equal(float.NegativeInfinity, ln[0]);
    }

    [Theory]
    [InlineData("softmax", 0)]
    [InlineData("softmax", 1)]
    [InlineData("softmax", 2)]
    [InlineData("log_softmax", 0)]
    [InlineData("log_softmax", 1)]
    [InlineData("log_softmax", 2)]
    public void Softmax_and_log_softmax_match_torch(string op, int dim)
    {
        var f = TorchFixtures.Ops;
        using var x = f.Tensor("softmax.x");
        using var gy = f.Tensor($"{op}.d{dim}.gy");
        Func<Tensor[], Tensor> fn = op == "softmax" ? v => v[0].Softmax(dim) : v => v[0].LogSoftmax(dim);
        using (var y = fn([x])) Close.Fixture($"{op}.d{dim}.y", y);
        var g = GradCheck.Gradients(fn, [x], gy);
        Close.Fixture($"{op}.d{dim}.gx", g[0]);
        g[0].Dispose();
    }

    [Fact]
    public void Softmax_gradients_match_finite_differences_including_transposed_inputs()
    {
        GradCheck.Check(x => x[0].Softmax(1), [GradCheck.Random(_rng, 2, 5, 3)]);
        GradCheck.Check(x => x[0].LogSoftmax(-1), [GradCheck.Random(_rng, 3, 4)]);
        GradCheck.Check(x => { using var t = x[0].Transpose(0, 1); return t.LogSoftmax(0); }, [GradCheck.Random(_rng, 3, 4)]);
        using var big = Tensor.FromArray([1000f, 0f, -1000f], 1, 3);
        using var s = big.Softmax(1);
        Assert.Equal([1f, 0f, 0f], s.ToArray());
        using var ls = big.LogSoftmax(1);
        Assert.Equal([0f, -1000f, -2000f], ls.ToArray());
    }
}
