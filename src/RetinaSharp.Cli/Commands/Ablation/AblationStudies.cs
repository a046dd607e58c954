using System.Globalization;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Training;

namespace RetinaSharp.Cli.Commands;

/// <summary>One training run of a study: a label, the x value it is plotted at, and how it changes the demo recipe.</summary>
internal sealed record AblationRun(string Name, double X, Func<TrainingOptions, TrainingOptions> Apply);

/// <summary>The paper's Table 1 studies (and the Figure 4 analysis) as changes to the demo recipe.</summary>
internal static class AblationStudies
{
    public static readonly string[] Names = ["alpha-ce", "gamma", "prior", "anchors", "ohem", "hinge", "loss-cdf"];

    /// <summary>γ values whose loss distributions the loss-cdf study compares (the paper's Figure 4 uses 0 to 2).</summary>
    public static readonly double[] CdfGammas = [0, 0.5, 1, 2];

    private static string F(float v) => v.ToString(CultureInfo.InvariantCulture);

    private static TrainingOptions Loss(TrainingOptions o, ClassificationLossKind kind, float alpha, float gamma) =>
        o with { Model = o.Model with { ClassificationLoss = kind, FocalAlpha = alpha, FocalGamma = gamma } };

    private static TrainingOptions Prior(TrainingOptions o, float pi) => o with { Model = o.Model with { PriorProbability = pi } };

    // OHEM trains plain cross entropy (α = 0.5 scales it by ½ uniformly) on the mined anchors.
    private static TrainingOptions Ohem(TrainingOptions o, int batch, float fgFraction) =>
        o with { Model = o.Model with { ClassificationLoss = ClassificationLossKind.Ohem, FocalAlpha = 0.5f, FocalGamma = 0, OhemBatchSize = batch, OhemForegroundFraction = fgFraction } };

    private static TrainingOptions Hinge(TrainingOptions o, float threshold) =>
        o with { Model = o.Model with { ClassificationLoss = ClassificationLossKind.Hinge, FocalAlpha = 0.25f, HingeThreshold = threshold } };

    /// <summary>The demo recipe unchanged: focal loss with γ = 2, α = 0.25 (reused from whichever study trained it first).</summary>
    private static AblationRun FocalReference(double x) => new("FL, gamma=2, alpha=0.25", x, o => o);

    public static IReadOnlyList<AblationRun>? Runs(string name) => name switch
    {
        "alpha-ce" => [.. new[] { 0.25f, 0.5f, 0.75f, 0.9f, 0.99f, 0.999f }.Select(a =>
            new AblationRun($"alpha={F(a)}", a, o => Loss(o, ClassificationLossKind.AlphaBalancedCrossEntropy, a, 0)))],
        // The α that suits each γ, as in the paper's Table 1b.
        "gamma" => [.. new (float G, float A)[] { (0, 0.75f), (0.1f, 0.75f), (0.2f, 0.75f), (0.5f, 0.5f), (1, 0.25f), (2, 0.25f), (5, 0.25f) }.Select(p =>
            new AblationRun($"gamma={F(p.G)},alpha={F(p.A)}", p.G, o => Loss(o, ClassificationLossKind.Focal, p.A, p.G)))],
        "prior" =>
        [
            new("CE, prior 0.01", 0, o => Prior(Loss(o, ClassificationLossKind.AlphaBalancedCrossEntropy, 0.5f, 0), 0.01f)),
            new("CE, no prior", 1, o => Prior(Loss(o, ClassificationLossKind.AlphaBalancedCrossEntropy, 0.5f, 0), 0)),
            new("FL, prior 0.01", 2, o => Prior(o, 0.01f)),
            new("FL, no prior", 3, o => Prior(o, 0)),
        ],
        "anchors" =>
        [
            new("1 scale, 1 ratio", 1, o => o with { Model = o.Model with { AnchorScales = [0], AspectRatios = [1] } }),
            new("1 scale, 3 ratios", 3, o => o with { Model = o.Model with { AnchorScales = [0], AspectRatios = [0.5, 1, 2] } }),
            new("2 scales, 3 ratios", 6, o => o with { Model = o.Model with { AnchorScales = [0, 0.5], AspectRatios = [0.5, 1, 2] } }),
            new("3 scales, 3 ratios", 9, o => o with { Model = o.Model with { AnchorScales = [0, 1.0 / 3, 2.0 / 3], AspectRatios = [0.5, 1, 2] } }),
            new("4 scales, 3 ratios", 12, o => o with { Model = o.Model with { AnchorScales = [0, 0.25, 0.5, 0.75], AspectRatios = [0.5, 1, 2] } }),
        ],
        "ohem" =>
        [
            new("OHEM, B=128", 0, o => Ohem(o, 128, 0)),
            new("OHEM 1:3, B=128", 1, o => Ohem(o, 128, 0.25f)),
            new("OHEM, B=256", 2, o => Ohem(o, 256, 0)),
            new("OHEM 1:3, B=256", 3, o => Ohem(o, 256, 0.25f)),
            FocalReference(4),
        ],
        "hinge" =>
        [
            new("hinge, p_t < 0.5", 0, o => Hinge(o, 0.5f)),
            new("hinge, p_t < 0.9", 1, o => Hinge(o, 0.9f)),
            FocalReference(2),
        ],
        "loss-cdf" => [FocalReference(2)],
        _ => null,
    };
}
