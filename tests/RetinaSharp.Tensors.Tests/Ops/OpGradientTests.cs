using Xunit;

namespace RetinaSharp.Tensors.Tests.Ops;

/// <summary>Every op's backward against central finite differences, on odd shapes and non-contiguous inputs.</summary>
public sealed class OpGradientTests
{
    private readonly RandomGenerator _rng = new(99);

    [Fact]
    public void Unary_ops()
    {
        GradCheck.Check(x => x[0].Relu(), [GradCheck.Random(_rng, 3, 5)]);
        GradCheck.Check(x => x[0].Exp(), [GradCheck.Random(_rng, 3, 5)]);
        GradCheck.Check(x => x[0].Log(), [GradCheck.RandomPositive(_rng, 3, 5)]);
        GradCheck.Check(x => x[0].Sqrt(), [GradCheck.RandomPositive(_rng, 4)]);
        GradCheck.Check(x => x[0].Sigmoid(), [GradCheck.Random(_rng, 2, 7)]);
        GradCheck.Check(x => x[0].Tanh(), [GradCheck.Random(_rng, 2, 7)]);
        GradCheck.Check(x => x[0].LogSigmoid(), [GradCheck.Random(_rng, 9)]);
        GradCheck.Check(x => x[0].Softplus(), [GradCheck.Random(_rng, 9)]);
        GradCheck.Check(x => x[0].Abs(), [GradCheck.RandomPositive(_rng, 5)]);
        GradCheck.Check(x => x[0].Pow(3f), [GradCheck.Random(_rng, 5)]);
        GradCheck.Check(x => x[0].Clamp(-0.5f, 0.5f), [Tensor.FromArray([-0.9f, -0.2f, 0.1f, 0.3f, 0.8f], 5)]);
        GradCheck.Check(x => x[0].Transpose(0, 1).Sigmoid(), [GradCheck.Random(_rng, 3, 4)]);
    }

    [Theory]
    [InlineData(1, 3, 5, 6, 4, 3, 1, 1, 1, 1)]
    [InlineData(2, 4, 7, 5, 6, 3, 2, 1, 1, 2)]
    [InlineData(1, 2, 6, 6, 3, 3, 1, 2, 2, 1)]
    [InlineData(2, 3, 4, 5, 2, 1, 1, 0, 1, 1)]
    [InlineData(1, 4, 5, 5, 4, 3, 2, 1, 1, 4)]
    public void Conv2d_all_geometries(int n, int c, int h, int w, int k, int ks, int stride, int pad, int dil, int groups)
    {
        GradCheck.Check(x => Functional.Conv2d(x[0], x[1], x[2], stride, pad, dil, groups),
            [GradCheck.Random(_rng, n, c, h, w), GradCheck.Random(_rng, k, c / groups, ks, ks), GradCheck.Random(_rng, k)]);
    }

    [Fact]
    public void Pooling_upsampling_and_linear()
    {
        // Distinct values so the argmax is stable under the finite-difference step.
        var distinct = Tensor.FromArray(Enumerable.Range(0, 2 * 2 * 5 * 7).Select(i => (float)((i * 37) % 71) * 0.1f).ToArray(), 2, 2, 5, 7);
        GradCheck.Check(x => Functional.MaxPool2d(x[0], 3, 2, 1), [distinct], eps: 1e-2);
        GradCheck.Check(x => Functional.UpsampleNearest(x[0], 7, 9), [GradCheck.Random(_rng, 1, 2, 3, 4)]);
        GradCheck.Check(x => Functional.UpsampleNearest(x[0], 2), [GradCheck.Random(_rng, 2, 1, 3, 2)]);
        GradCheck.Check(x => Functional.Linear(x[0], x[1], x[2]), [GradCheck.Random(_rng, 2, 3, 5), GradCheck.Random(_rng, 4, 5), GradCheck.Random(_rng, 4)]);
    }

    [Fact]
    public void Normalization()
    {
        GradCheck.Check(x => Functional.GroupNorm(x[0], 3, x[1], x[2]), [GradCheck.Random(_rng, 2, 6, 3, 2), GradCheck.Random(_rng, 6), GradCheck.Random(_rng, 6)]);
        GradCheck.Check(x => Functional.GroupNorm(x[0], 1, null, null), [GradCheck.Random(_rng, 1, 4, 5)]);
        using var rm = Tensor.Zeros([3]);
        using var rv = Tensor.Ones([3]);
        GradCheck.Check(x =>
        {
            // Running statistics are state, not part of the function being differentiated: reset them.
            rm.Fill(0); rv.Fill(1);
            return Functional.BatchNorm(x[0], rm, rv, x[1], x[2], training: true);
        }, [GradCheck.Random(_rng, 3, 3, 2, 2), GradCheck.Random(_rng, 3), GradCheck.Random(_rng, 3)]);
        GradCheck.Check(x => Functional.ChannelAffine(x[0], x[1], x[2]), [GradCheck.Random(_rng, 2, 3, 4), GradCheck.Random(_rng, 3), GradCheck.Random(_rng, 3)]);
    }

    [Fact]
    public void Losses()
    {
        var targets = Tensor.FromArray([1f, 0f, 0f, 1f, 0f, 0f, 1f, 0f], 2, 4);
        GradCheck.Check(x => Functional.SigmoidFocalLoss(x[0], targets, 0.25f, 2f), [GradCheck.Random(_rng, 2, 4)]);
        GradCheck.Check(x => Functional.SigmoidFocalLoss(x[0], targets, 0.25f, 0.5f, Reduction.Sum), [GradCheck.Random(_rng, 2, 4)]);
        var target = GradCheck.Random(_rng, 3, 4);
        GradCheck.Check(x => Functional.SmoothL1Loss(x[0], target, 0.11f, Reduction.Sum), [GradCheck.Random(_rng, 3, 4)]);
        var b2 = Tensor.FromArray([0f, 0f, 4f, 3f, 1f, 2f, 6f, 5f], 2, 4);
        GradCheck.Check(x => Functional.GeneralizedBoxIouLoss(x[0], b2), [Tensor.FromArray([0.5f, 0.3f, 3.5f, 3.7f, 2f, 1f, 5f, 6.5f], 2, 4)]);
        GradCheck.Check(x => Functional.IndexSelectRows(x[0], [2, 0, 2]), [GradCheck.Random(_rng, 3, 2)]);
    }

    [Fact]
    public void Sparse_focal_loss_equals_dense_one_hot_form()
    {
        var logits = GradCheck.Random(_rng, 5, 3);
        int[] labels = [1, -1, -2, 0, 2];
        float[] w = [0.5f, 0.5f, 0.5f, 0.25f, 0.25f];
        var onehot = new float[15];
        var weight = new float[15];
        for (int r = 0; r < 5; r++)
            for (int k = 0; k < 3; k++)
            {
                onehot[r * 3 + k] = labels[r] == k ? 1 : 0;
                weight[r * 3 + k] = labels[r] == -2 ? 0 : w[r];
            }
        using var t = Tensor.FromArray(onehot, 5, 3);
        using var wt = Tensor.FromArray(weight, 5, 3);
        logits.RequiresGrad = true;
        using var dense = Functional.SigmoidFocalLoss(logits, t, 0.25f, 2f, Reduction.Sum, wt);
        dense.Backward();
        var denseGrad = logits.Grad!.ToArray();
        logits.Grad.Dispose(); logits.Grad = null;
        using var sparse = Functional.SigmoidFocalLossSparse(logits, labels, w);
        sparse.Backward();
        Assert.Equal(dense.Item(), sparse.Item(), 5);
        var sg = logits.Grad!.ToArray();
        for (int i = 0; i < 15; i++) Assert.Equal(denseGrad[i], sg[i], 6);
        GradCheck.Check(x => Functional.SigmoidFocalLossSparse(x[0], labels, w), [GradCheck.Random(_rng, 5, 3)]);
    }
}
