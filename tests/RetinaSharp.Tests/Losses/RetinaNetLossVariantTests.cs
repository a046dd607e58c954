using RetinaSharp.Anchors;
using RetinaSharp.Data;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;
using Xunit;

namespace RetinaSharp.Tests.Losses;

/// <summary>The paper's ablation-only classification losses (OHEM and the hinge on p_t), against values computed by hand.</summary>
public sealed class RetinaNetLossVariantTests
{
    // A3 matches the ground truth exactly (foreground), A4 has IoU 60/140 ≈ 0.43 with it (ignored),
    // A0 and A1 overlap each other with IoU ≈ 0.82, A2 is alone.
    private static readonly AnchorSet Anchors = new(
    [
        0, 0, 10, 10,
        1, 0, 11, 10,
        20, 20, 30, 30,
        40, 40, 50, 50,
        44, 40, 54, 50,
    ], [5]);

    private static readonly DetectionTarget Target = new([new Box(40, 40, 50, 50)], [1], []);

    // Two classes per anchor; with γ = 0 and α = 0.5 the per-anchor losses order A1 > A0 > A3 > A2.
    private static readonly float[] Logits =
    [
        1.0f, 0.1f,
        2.0f, 0.5f,
        -1.0f, 0.2f,
        -2.0f, -1.0f,
        5.0f, 5.0f,
    ];

    private static readonly int[] Labels = [-1, -1, -1, 1, -2];

    private static double Softplus(double z) => Math.Log(1 + Math.Exp(z));

    /// <summary>Cross entropy of one anchor summed over its classes, −log σ(x) for the true class and −log(1 − σ(x)) otherwise.</summary>
    private static double AnchorCrossEntropy(int anchor)
    {
        double sum = 0;
        for (int c = 0; c < 2; c++)
        {
            double x = Logits[anchor * 2 + c];
            sum += Labels[anchor] == c ? Softplus(-x) : Softplus(x);
        }
        return sum;
    }

    private static (double Loss, float[] Grad) Run(RetinaNetConfig config, float[] logits, int images = 1)
    {
        var data = new float[logits.Length * images];
        for (int i = 0; i < images; i++) logits.CopyTo(data, i * logits.Length);
        using var x = Tensor.FromArray(data, images, 5, 2);
        x.RequiresGrad = true;
        using var box = Tensor.Zeros([images, 5, 4]);
        var targets = Enumerable.Repeat(Target, images).ToList();
        using var result = new RetinaNetLoss(config.LossOptions).Compute(x, box, Anchors, targets);
        result.Classification.Backward();
        var grad = x.Grad!.ToArray();
        return (result.Classification.ToArray()[0], grad);
    }

    private static RetinaNetConfig Ohem(int batch, float fgFraction) => new()
    {
        NumClasses = 2, ClassificationLoss = ClassificationLossKind.Ohem, FocalAlpha = 0.5f, FocalGamma = 0,
        OhemBatchSize = batch, OhemForegroundFraction = fgFraction,
    };

    [Fact]
    public void Ohem_averages_the_loss_of_the_chosen_anchors()
    {
        // Batch 2, no ratio: A1, then A0 is suppressed by A1, then A3.
        Assert.Equal(0.5 * (AnchorCrossEntropy(1) + AnchorCrossEntropy(3)) / 2, Run(Ohem(2, 0), Logits).Loss, 5);
        // 1:1 allows one negative for the one positive: A1 and A3.
        Assert.Equal(0.5 * (AnchorCrossEntropy(1) + AnchorCrossEntropy(3)) / 2, Run(Ohem(8, 0.5f), Logits).Loss, 5);
        // 1:3 at batch 2 leaves no room for a positive, hence none for negatives: no loss.
        Assert.Equal(0, Run(Ohem(2, 0.25f), Logits).Loss, 9);
        // A large batch takes every anchor that survives suppression.
        Assert.Equal(0.5 * (AnchorCrossEntropy(1) + AnchorCrossEntropy(2) + AnchorCrossEntropy(3)) / 3, Run(Ohem(256, 0), Logits).Loss, 5);
        // Images are averaged: two identical images give the same loss.
        Assert.Equal(Run(Ohem(2, 0), Logits).Loss, Run(Ohem(2, 0), Logits, images: 2).Loss, 5);
    }

    [Fact]
    public void Ohem_without_suppression_or_a_batch_limit_is_the_focal_loss_renormalised()
    {
        var focal = new RetinaNetConfig { NumClasses = 2, FocalAlpha = 0.25f, FocalGamma = 2 };
        var ohem = focal with { ClassificationLoss = ClassificationLossKind.Ohem, OhemBatchSize = 100, OhemNmsThreshold = 1 };
        // Focal divides by the one foreground anchor, OHEM by the four non-ignored anchors it keeps.
        Assert.Equal(Run(focal, Logits).Loss / 4, Run(ohem, Logits).Loss, 5);
    }

    [Fact]
    public void Ohem_gradient_flows_only_into_chosen_anchors_and_matches_finite_differences()
    {
        var config = Ohem(2, 0);
        var (_, grad) = Run(config, Logits);
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal(0f, grad[0 * 2 + c]);
            Assert.Equal(0f, grad[2 * 2 + c]);
            Assert.Equal(0f, grad[4 * 2 + c]);
        }
        AssertFiniteDifferences(config, grad);
    }

    private static RetinaNetConfig Hinge(float threshold) => new()
    {
        NumClasses = 2, ClassificationLoss = ClassificationLossKind.Hinge, FocalAlpha = 0.25f, HingeThreshold = threshold,
    };

    [Fact]
    public void Hinge_keeps_cross_entropy_only_where_p_t_is_below_the_threshold()
    {
        foreach (var threshold in new[] { 0.5f, 0.9f })
        {
            double expected = 0;
            for (int j = 0; j < 4; j++)
            {
                for (int c = 0; c < 2; c++)
                {
                    bool positive = Labels[j] == c;
                    double x = Logits[j * 2 + c];
                    double pt = positive ? 1 / (1 + Math.Exp(-x)) : 1 / (1 + Math.Exp(x));
                    if (pt < threshold) expected += (positive ? 0.25 : 0.75) * -Math.Log(pt);
                }
            }
            // One foreground anchor: the normaliser is 1.
            Assert.Equal(expected, Run(Hinge(threshold), Logits).Loss, 5);
        }
        // Everything is confidently right: no loss at all.
        float[] confident = [-6, -6, -6, -6, -6, -6, -6, 6, 0, 0];
        Assert.Equal(0, Run(Hinge(0.5f), confident).Loss, 7);
    }

    [Fact]
    public void Hinge_gradient_matches_finite_differences()
    {
        var config = Hinge(0.5f);
        var (_, grad) = Run(config, Logits);
        Assert.Equal(0f, grad[4 * 2]);
        AssertFiniteDifferences(config, grad);
    }

    [Theory]
    [InlineData("OhemBatchSize")]
    [InlineData("OhemForegroundFraction")]
    [InlineData("HingeThreshold")]
    [InlineData("FocalGamma")]
    public void Invalid_loss_settings_are_refused_with_their_name(string setting)
    {
        var config = setting switch
        {
            "OhemBatchSize" => Ohem(0, 0),
            "OhemForegroundFraction" => Ohem(128, 1.5f),
            "HingeThreshold" => Hinge(0),
            _ => new RetinaNetConfig { FocalGamma = -1 },
        };
        var e = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains(setting, e.Message);
    }

    private static void AssertFiniteDifferences(RetinaNetConfig config, float[] grad)
    {
        const float eps = 1e-2f;
        for (int e = 0; e < Logits.Length; e++)
        {
            var plus = (float[])Logits.Clone();
            var minus = (float[])Logits.Clone();
            plus[e] += eps;
            minus[e] -= eps;
            double numeric = (Run(config, plus).Loss - Run(config, minus).Loss) / (2 * eps);
            Assert.True(Math.Abs(numeric - grad[e]) < 2e-3, $"logit {e}: autograd {grad[e]}, finite difference {numeric}");
        }
    }
}
