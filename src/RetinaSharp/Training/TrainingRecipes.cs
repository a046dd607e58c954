using RetinaSharp.Data;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;

namespace RetinaSharp.Training;

/// <summary>
/// Named training recipes. From scratch on a CPU, by size: "tiny" (a first look), "small" (the
/// default without pretrained weights, for a few hundred images), "medium" (more data or time). "r50" (also "paper") is the paper's recipe (ResNet-50-FPN, 800 px, 90k iterations
/// of 16 images, SGD, frozen batch norm): for pretrained backbones and big machines. "demo" is the
/// recipe <c>retina demo</c> and <c>retina ablate</c> run on the synthetic shapes.
/// </summary>
public static class TrainingRecipes
{
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small", "medium", "r50", "paper", "demo", "demo-quick"];

    /// <summary>The recipe used when none is named: r50 to fine-tune pretrained weights, small from scratch.</summary>
    public static string DefaultFor(bool pretrained) => pretrained ? "r50" : "small";

    /// <summary>The recipe of that name for a data set with <paramref name="numClasses"/> classes.</summary>
    public static TrainingOptions Get(string name, int numClasses, ulong seed = 0) => name switch
    {
        "tiny" => FromScratch(numClasses, seed, "resnet18", 0.25, fpn: 64, headDepth: 2, minSize: 320, maxSize: 512, batch: 8, lr: 2e-3f, iterations: 1500),
        "small" => FromScratch(numClasses, seed, "resnet18", 0.5, fpn: 96, headDepth: 3, minSize: 384, maxSize: 640, batch: 8, lr: 1.5e-3f, iterations: 3000),
        "medium" => FromScratch(numClasses, seed, "resnet34", 0.5, fpn: 128, headDepth: 4, minSize: 512, maxSize: 853, batch: 4, lr: 1e-3f, iterations: 8000),
        "r50" or "paper" => new TrainingOptions { Model = new RetinaNetConfig { NumClasses = numClasses }, Seed = seed },
        "demo" => Demo(numClasses, quick: false, seed),
        "demo-quick" => Demo(numClasses, quick: true, seed),
        _ => throw new ArgumentException($"Unknown recipe '{name}'; known: {string.Join(", ", Names)}."),
    };

    /// <summary>
    /// The recipe of that name fitted to the data set. Input size: when the images are smaller
    /// than the recipe's input (median short side) and their objects are big enough at their own
    /// size (10th percentile of the boxes' sizes, square root of the area, at least 16 px), they
    /// are used at their own size (rounded up to a multiple of 32, at least 128) instead of being
    /// enlarged, which costs time and adds nothing. Anchors: the smallest is the power of two (8,
    /// 16 or 32 px) just below the 10th percentile of the boxes' sizes at the input size, so small
    /// objects still get anchors. The r50/paper recipe keeps torchvision's input size and anchors,
    /// which its pretrained weights expect.
    /// </summary>
    public static TrainingOptions ForDataset(string name, IDetectionDataset dataset, ulong seed = 0)
    {
        var recipe = Get(name, dataset.Classes.Count, seed);
        if (name is "r50" or "paper" or "demo" or "demo-quick") return recipe;
        var shortSides = new List<double>();
        var native = new List<double>();
        for (int i = 0; i < dataset.Count; i++)
        {
            var size = dataset.GetInfo(i).Size;
            if (!size.IsKnown) continue;
            shortSides.Add(Math.Min(size.Height, size.Width));
            foreach (var b in dataset.GetAnnotations(i).Boxes) native.Add(Math.Sqrt(Math.Max(0, b.Area)));
        }
        if (shortSides.Count == 0) return recipe;
        recipe = FitInputSize(recipe, Percentile(shortSides, 0.5), native.Count > 0 ? Percentile(native, 0.1) : 0);

        var sizes = new List<double>();
        var m = recipe.Model;
        for (int i = 0; i < dataset.Count; i++)
        {
            var size = dataset.GetInfo(i).Size;
            if (!size.IsKnown) continue;
            double scale = DetectionTransform.ResizeScale(size, m.MinSize, m.MaxSize);
            foreach (var b in dataset.GetAnnotations(i).Boxes) sizes.Add(Math.Sqrt(Math.Max(0, b.Area)) * scale);
        }
        if (sizes.Count == 0) return recipe;
        double p10 = Percentile(sizes, 0.1);
        int smallest = p10 >= 32 ? 32 : p10 >= 16 ? 16 : 8;
        return recipe with { Model = m with { AnchorSizes = [smallest, smallest * 2, smallest * 4, smallest * 8, smallest * 16] } };
    }

    private static TrainingOptions FitInputSize(TrainingOptions recipe, double medianShortSide, double nativeSmallBox)
    {
        var m = recipe.Model;
        if (medianShortSide >= m.MinSize || nativeSmallBox < 16) return recipe;
        int minSize = Math.Max(128, (int)Math.Ceiling(medianShortSide / 32) * 32);
        if (minSize >= m.MinSize) return recipe;
        double ratio = (double)minSize / m.MinSize;
        var trainSizes = new int[recipe.TrainMinSizes.Length];
        for (int i = 0; i < trainSizes.Length; i++) trainSizes[i] = (int)Math.Round(recipe.TrainMinSizes[i] * ratio);
        return recipe with
        {
            Model = m with { MinSize = minSize, MaxSize = (int)Math.Round(m.MaxSize * ratio) },
            TrainMinSizes = trainSizes,
        };
    }

    private static double Percentile(List<double> values, double q)
    {
        values.Sort();
        return values[(int)(q * (values.Count - 1))];
    }

    private static TrainingOptions FromScratch(int numClasses, ulong seed, string backbone, double width, int fpn, int headDepth, int minSize, int maxSize,
        int batch, float lr, int iterations) => new()
    {
        Model = new RetinaNetConfig
        {
            Backbone = backbone,
            BackboneWidth = width,
            // Batch statistics are unreliable at a few images per step, and frozen ones need pretrained weights.
            BackboneNorm = NormKind.GroupNorm,
            TrainableBackboneLayers = 5,
            NumClasses = numClasses,
            FpnChannels = fpn,
            HeadDepth = headDepth,
            HeadGroupNorm = true,
            BoxLoss = BoxLossKind.SmoothL1,
            MinSize = minSize,
            MaxSize = maxSize,
            DetectionsPerImage = 100,
        },
        Optimizer = "adamw",
        LearningRate = lr,
        WeightDecay = 1e-4f,
        ImagesPerStep = batch,
        Iterations = iterations,
        WarmupIterations = 100,
        WarmupFactor = 0.1f,
        Schedule = ScheduleKind.Cosine,
        // Multi-scale training around the input size, the evaluation size last.
        TrainMinSizes = [minSize * 7 / 8, minSize * 15 / 16, minSize],
        HorizontalFlipProbability = 0.5f,
        Seed = seed,
        LogEvery = 20,
        CheckpointEvery = 500,
        EvalEvery = 500,
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
