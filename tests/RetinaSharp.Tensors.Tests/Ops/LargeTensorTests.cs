using Xunit;

namespace RetinaSharp.Tensors.Tests;

/// <summary>
/// Tensors large enough (≥ 64K elements) that the ops split their loops across threads; results
/// are checked against direct double-precision loops or against the same op on small slices,
/// which run on one thread.
/// </summary>
public sealed class LargeTensorTests
{
    private readonly RandomGenerator _rng = new(808);

    [Fact]
    public void Element_wise_ops_and_their_gradients_agree_with_direct_loops()
    {
        using var x = Tensor.Rand([300, 400], _rng, -3, 3);
        var g = GradCheck.Gradients(v => v[0].Softplus().Sum(), [x], null);
        using var y = x.Softplus();
        var xs = x.ToArray();
        var ys = y.ToArray();
        var gs = g[0].ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double e = Math.Log(1 + Math.Exp(xs[i]));
            Assert.True(Math.Abs(ys[i] - e) <= 1e-6 * Math.Max(1, e), $"softplus[{i}]");
            Assert.True(Math.Abs(gs[i] - 1 / (1 + Math.Exp(-xs[i]))) <= 1e-6, $"softplus grad[{i}]");
        }
        g[0].Dispose();
    }

    [Fact]
    public void Focal_loss_over_many_rows_equals_the_loss_of_its_slices()
    {
        using var logits = Tensor.Rand([1500, 80], _rng, -6, 4);
        using var targets = Tensor.Rand([1500, 80], _rng).Gt(0.98f).ToFloat();
        var full = GradCheck.Gradients(v => Functional.SigmoidFocalLoss(v[0], targets, reduction: Reduction.Sum), [logits], null);
        using var total = Functional.SigmoidFocalLoss(logits, targets, reduction: Reduction.Sum);
        double sliced = 0;
        for (int r = 0; r < 1500; r += 100)
        {
            using var x = logits.Narrow(0, r, 100);
            using var t = targets.Narrow(0, r, 100);
            var part = GradCheck.Gradients(v => Functional.SigmoidFocalLoss(v[0], t, reduction: Reduction.Sum), [x.CloneDetached()], null);
            using (var l = Functional.SigmoidFocalLoss(x, t, reduction: Reduction.Sum)) sliced += l.Item();
            using var fullPart = full[0].Narrow(0, r, 100);
            Assert.Equal(part[0].ToArray(), fullPart.ToArray());
            part[0].Dispose();
        }
        Assert.Equal(sliced, total.Item(), sliced * 1e-6);
        full[0].Dispose();
    }

    [Fact]
    public void Group_norm_and_max_pool_on_large_inputs_match_direct_loops()
    {
        const int n = 2, c = 8, h = 66, w = 70, groups = 4;
        using var x = Tensor.Rand([n, c, h, w], _rng, -2, 5);
        using var y = Functional.GroupNorm(x, groups, null, null);
        int cpg = c / groups;
        for (int s = 0; s < n; s++)
            for (int grp = 0; grp < groups; grp++)
            {
                double sum = 0, sq = 0;
                int count = cpg * h * w;
                for (int k = 0; k < cpg; k++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) sum += x[s, grp * cpg + k, i, j];
                double mean = sum / count;
                for (int k = 0; k < cpg; k++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) sq += Math.Pow(x[s, grp * cpg + k, i, j] - mean, 2);
                double rstd = 1 / Math.Sqrt(sq / count + 1e-5);
                foreach (var (k, i, j) in new[] { (0, 0, 0), (cpg - 1, h - 1, w - 1), (0, h / 2, 3) })
                    Assert.Equal((x[s, grp * cpg + k, i, j] - mean) * rstd, y[s, grp * cpg + k, i, j], 4);
            }
        using var p = Functional.MaxPool2d(x, 3, 2, 1);
        for (int s = 0; s < n; s++)
            for (int ch = 0; ch < c; ch++)
                for (int oy = 0; oy < p.Size(2); oy++)
                    for (int ox = 0; ox < p.Size(3); ox++)
                    {
                        float m = float.NegativeInfinity;
                        for (int i = oy * 2 - 1; i <= oy * 2 + 1; i++)
                            for (int j = ox * 2 - 1; j <= ox * 2 + 1; j++)
                                if (i >= 0 && i < h && j >= 0 && j < w) m = Math.Max(m, x[s, ch, i, j]);
                        Assert.Equal(m, p[s, ch, oy, ox]);
                    }
    }
}
