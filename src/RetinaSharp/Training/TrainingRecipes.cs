using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;

namespace RetinaSharp.Training;

/// <summary>
/// Named training recipes. "paper" is the paper's (ResNet-50-FPN, 800 px, 90k iterations of 16
/// images, SGD): for pretrained backbones and big machines. "demo" trains a small detector from
/// scratch on a CPU in minutes: the one <c>retina demo</c> and <c>retina ablate</c> run.
/// </summary>
public static class TrainingRecipes
{
    public static IReadOnlyList<string> Names { get; } = ["demo", "demo-quick", "paper"];

    /// <summary>The recipe of that name for a data set with <paramref name="numClasses"/> classes.</summary>
    public static TrainingOptions Get(string name, int numClasses, ulong seed = 0) => name switch
    {
        "demo" => Demo(numClasses, quick: false, seed),
        "demo-quick" => Demo(numClasses, quick: true, seed),
        "paper" => new TrainingOptions { Model = new RetinaNetConfig { NumClasses = numClasses }, Seed = seed },
        _ => throw new ArgumentException($"Unknown recipe '{name}'; known: {string.Join(", ", Names)}."),
    };

    /// <summary>
    /// A quarter-width ResNet-18 with GroupNorm trained from scratch, a 64-channel pyramid and
    /// two-conv heads, anchors from 16 px, on 256 px images used at their own size; AdamW with a
    /// cosine schedule. <paramref name="quick"/> is a smoke test, not a meaningful model.
    /// </summary>
    public static TrainingOptions Demo(int numClasses, bool quick, ulong seed) => new()
    {
        Model = new RetinaNetConfig
        {
            Backbone = "resnet18",
            BackboneWidth = 0.25,
            BackboneNorm = NormKind.GroupNorm,
            TrainableBackboneLayers = 5,
            NumClasses = numClasses,
            FpnChannels = 64,
            HeadDepth = 2,
            HeadGroupNorm = true,
            AnchorSizes = [16, 32, 64, 128, 256],
            BoxLoss = BoxLossKind.SmoothL1,
            MinSize = 256,
            MaxSize = 256,
            DetectionsPerImage = 100,
        },
        Optimizer = "adamw",
        LearningRate = 2e-3f,
        WeightDecay = 1e-4f,
        ImagesPerStep = 8,
        Iterations = quick ? 40 : 1200,
        WarmupIterations = quick ? 5 : 100,
        WarmupFactor = 0.1f,
        Schedule = ScheduleKind.Cosine,
        TrainMinSizes = [256],
        HorizontalFlipProbability = 0.5f,
        Seed = seed,
        LogEvery = quick ? 5 : 25,
        CheckpointEvery = quick ? 20 : 200,
        TimeBudgetSeconds = quick ? 120 : 450,
    };
}
