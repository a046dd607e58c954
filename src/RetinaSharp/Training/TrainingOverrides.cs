using RetinaSharp.Losses;
using RetinaSharp.Models.Backbones;

namespace RetinaSharp.Training;

/// <summary>
/// Changes to a recipe, as a command line gives them: every field left null (or an empty list, which
/// is what a parser gives for an option that was not used) keeps the recipe's value.
/// <see cref="ApplyTo"/> is the one place options are merged.
/// </summary>
public sealed record TrainingOverrides
{
    public string? Backbone { get; init; }
    public double? BackboneWidth { get; init; }
    public NormKind? BackboneNorm { get; init; }
    public int? TrainableBackboneLayers { get; init; }
    public int? MaxSize { get; init; }
    public int[]? AnchorSizes { get; init; }
    public double[]? AspectRatios { get; init; }

    /// <summary>Training short sides; the largest is also the evaluation size.</summary>
    public int[]? MinSizes { get; init; }

    public float? FocalAlpha { get; init; }
    public float? FocalGamma { get; init; }
    public ClassificationLossKind? ClassificationLoss { get; init; }
    public BoxLossKind? BoxLoss { get; init; }
    public string? Weights { get; init; }
    public string? BackboneWeights { get; init; }
    public int? ImagesPerStep { get; init; }
    public int? GradientAccumulation { get; init; }
    public int? Iterations { get; init; }

    /// <summary>Passes over the training set; turned into iterations from its size (overrides <see cref="Iterations"/>).</summary>
    public double? Epochs { get; init; }

    public float? LearningRate { get; init; }
    public string? Optimizer { get; init; }
    public float? Momentum { get; init; }
    public float? WeightDecay { get; init; }
    public int? WarmupIterations { get; init; }
    public ScheduleKind? Schedule { get; init; }
    public long[]? LrSteps { get; init; }
    public float? GradientClipNorm { get; init; }
    public float? FlipProbability { get; init; }
    public int? Threads { get; init; }
    public ulong? Seed { get; init; }
    public int? EvalEvery { get; init; }
    public int? CheckpointEvery { get; init; }
    public double? TimeBudgetSeconds { get; init; }

    /// <summary>Fit the whole schedule into <see cref="TimeBudgetSeconds"/> (what <c>--time</c> asks for).</summary>
    public bool? FitScheduleToTime { get; init; }

    public int? Patience { get; init; }

    /// <summary>A duration as a command line gives it: "90s", "10m", "1.5h", or plain seconds.</summary>
    public static double ParseDuration(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        double unit = t.EndsWith('h') ? 3600 : t.EndsWith('m') ? 60 : 1;
        if (t.Length > 0 && char.IsLetter(t[^1])) t = t[..^1];
        if (t.EndsWith('s') || !double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || !(value > 0) || !double.IsFinite(value))
            throw new ArgumentException($"'{text}' is not a duration: give a positive number with s, m or h (e.g. 10m).");
        return value * unit;
    }

    /// <summary>The recipe with these changes, sized for a training set of <paramref name="images"/> images in <paramref name="numClasses"/> classes.</summary>
    public TrainingOptions ApplyTo(TrainingOptions recipe, int images, int numClasses)
    {
        var m = recipe.Model;
        var model = m with
        {
            Backbone = Backbone ?? m.Backbone,
            BackboneWidth = BackboneWidth ?? m.BackboneWidth,
            BackboneNorm = BackboneNorm ?? m.BackboneNorm,
            TrainableBackboneLayers = TrainableBackboneLayers ?? m.TrainableBackboneLayers,
            NumClasses = numClasses,
            MaxSize = MaxSize ?? m.MaxSize,
            AnchorSizes = AnchorSizes is { Length: > 0 } anchors ? anchors : m.AnchorSizes,
            AspectRatios = AspectRatios is { Length: > 0 } ratios ? ratios : m.AspectRatios,
            MinSize = MinSizes is { Length: > 0 } ms ? ms.Max() : m.MinSize,
            FocalAlpha = FocalAlpha ?? m.FocalAlpha,
            FocalGamma = FocalGamma ?? m.FocalGamma,
            ClassificationLoss = ClassificationLoss ?? m.ClassificationLoss,
            BoxLoss = BoxLoss ?? m.BoxLoss,
        };
        int batch = ImagesPerStep ?? recipe.ImagesPerStep;
        int accumulate = GradientAccumulation ?? recipe.GradientAccumulation;
        if (Epochs is double e && !(e > 0)) throw new ArgumentException($"Epochs must be positive, got {e}.");
        int iterations = Epochs is double epochs
            ? Math.Max(1, (int)Math.Ceiling(epochs * images / ((double)batch * accumulate)))
            : Iterations ?? recipe.Iterations;
        return recipe with
        {
            Model = model,
            Weights = Weights ?? recipe.Weights,
            BackboneWeights = BackboneWeights ?? recipe.BackboneWeights,
            ImagesPerStep = batch,
            GradientAccumulation = accumulate,
            Iterations = iterations,
            LearningRate = LearningRate ?? recipe.LearningRate,
            Optimizer = Optimizer ?? recipe.Optimizer,
            Momentum = Momentum ?? recipe.Momentum,
            WeightDecay = WeightDecay ?? recipe.WeightDecay,
            WarmupIterations = WarmupIterations ?? recipe.WarmupIterations,
            Schedule = Schedule ?? recipe.Schedule,
            LrSteps = LrSteps is { Length: > 0 } lrSteps ? lrSteps : recipe.LrSteps,
            GradientClipNorm = GradientClipNorm ?? recipe.GradientClipNorm,
            TrainMinSizes = MinSizes is { Length: > 0 } sizes ? sizes : recipe.TrainMinSizes,
            HorizontalFlipProbability = FlipProbability ?? recipe.HorizontalFlipProbability,
            Threads = Threads ?? recipe.Threads,
            Seed = Seed ?? recipe.Seed,
            EvalEvery = EvalEvery ?? recipe.EvalEvery,
            CheckpointEvery = CheckpointEvery ?? recipe.CheckpointEvery,
            TimeBudgetSeconds = TimeBudgetSeconds ?? recipe.TimeBudgetSeconds,
            Patience = Patience ?? recipe.Patience,
            FitScheduleToTime = FitScheduleToTime ?? recipe.FitScheduleToTime,
        };
    }
}
