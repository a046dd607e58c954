using System.Text.Json;
using System.Text.Json.Serialization;
using RetinaSharp.Models;

namespace RetinaSharp.Training;

/// <summary>Learning-rate decay after the warmup.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleKind>))]
public enum ScheduleKind
{
    /// <summary>Divide by 10 at each of <see cref="TrainingOptions.LrSteps"/> (the paper's recipe).</summary>
    MultiStep,

    /// <summary>Cosine decay to 0 over the run.</summary>
    Cosine,
}

/// <summary>
/// Everything a training run needs, with the paper's recipe as defaults (SGD, momentum 0.9, weight
/// decay 1e-4, LR 0.01 for 16 images per step scaled linearly with the batch, ÷10 at 2/3 and 8/9
/// of the run, linear warmup from 1/3 over 500 iterations, horizontal flip). Serialisable to JSON;
/// the resolved options are saved next to every run.
/// </summary>
public sealed record TrainingOptions
{
    public RetinaNetConfig Model { get; init; } = new();

    /// <summary>A full model checkpoint to start from (ours or a torchvision state dict).</summary>
    public string? Weights { get; init; }

    /// <summary>ImageNet backbone weights (a torchvision ResNet state dict) to start the body from.</summary>
    public string? BackboneWeights { get; init; }

    public int ImagesPerStep { get; init; } = 16;
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Number of optimiser steps.</summary>
    public int Iterations { get; init; } = 90_000;

    /// <summary>Learning rate for 16 images per step; scaled linearly to the effective batch.</summary>
    public float BaseLearningRate { get; init; } = 0.01f;

    /// <summary>Use this learning rate as is, without batch scaling (overrides <see cref="BaseLearningRate"/>).</summary>
    public float? LearningRate { get; init; }

    public string Optimizer { get; init; } = "sgd";
    public float Momentum { get; init; } = 0.9f;
    public float WeightDecay { get; init; } = 1e-4f;
    public int WarmupIterations { get; init; } = 500;
    public float WarmupFactor { get; init; } = 1f / 3;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.MultiStep;

    /// <summary>Iterations at which the rate drops ×0.1; default 2/3 and 8/9 of the run (60k and 80k of 90k).</summary>
    public long[]? LrSteps { get; init; }

    /// <summary>Clip the global gradient norm to this value (0 = off).</summary>
    public float GradientClipNorm { get; init; }

    /// <summary>Training short sides; one is drawn per image (multi-scale when several).</summary>
    public int[] TrainMinSizes { get; init; } = [800];

    public float HorizontalFlipProbability { get; init; } = 0.5f;

    public ulong Seed { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int LoaderWorkers { get; init; } = 1;
    public int LogEvery { get; init; } = 20;
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>Evaluate on the validation set every this many iterations (0 = only at the end).</summary>
    public int EvalEvery { get; init; }

    /// <summary>Measure a step's peak memory before training and refuse a run that would not fit.</summary>
    public bool CheckMemory { get; init; } = true;

    /// <summary>The memory the run may use, in bytes (0: what the system reports available).</summary>
    public long MemoryLimitBytes { get; init; }

    /// <summary>Stop after this many evaluations in a row without a better AP (0 = never).</summary>
    public int Patience { get; init; }

    /// <summary>Stop after this many consecutive non-finite losses.</summary>
    public int MaxNonFiniteSteps { get; init; } = 5;

    /// <summary>
    /// Stop this invocation when the iteration count reaches this value (writing a checkpoint), while
    /// the schedule still spans <see cref="Iterations"/>; a later --resume continues from there.
    /// </summary>
    public int? StopAtIteration { get; init; }

    /// <summary>Seconds of training after which the run stops and evaluates (0 = no limit).</summary>
    public double TimeBudgetSeconds { get; init; }

    /// <summary>
    /// Fit the whole schedule into <see cref="TimeBudgetSeconds"/>: after a few steps the step time is
    /// measured and <see cref="Iterations"/> set so that warmup and decay finish within the budget,
    /// instead of the run being cut off mid-schedule.
    /// </summary>
    public bool FitScheduleToTime { get; init; }

    [JsonIgnore] public int EffectiveBatch => ImagesPerStep * GradientAccumulation;

    [JsonIgnore] public float ResolvedLearningRate => LearningRate ?? BaseLearningRate * EffectiveBatch / 16f;

    /// <summary>The LR drops: <see cref="LrSteps"/>, or 2/3 and 8/9 of the run when it is null or empty.</summary>
    [JsonIgnore] public long[] ResolvedLrSteps => LrSteps is { Length: > 0 } steps ? steps : [Iterations * 2L / 3, Iterations * 8L / 9];

    /// <summary>snake_case keys; a key the options do not have is an error (a typo must not fall back to a default silently).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainingOptions FromJson(string json, string source)
    {
        try
        {
            // Earlier versions wrote the derived learning rate and LR steps too; they are recomputed, not read.
            var node = System.Text.Json.Nodes.JsonNode.Parse(json);
            if (node is System.Text.Json.Nodes.JsonObject o)
            {
                o.Remove("resolved_learning_rate");
                o.Remove("resolved_lr_steps");
            }
            var options = node.Deserialize<TrainingOptions>(Json) ?? throw new InvalidDataException($"{source}: empty configuration.");
            if (options.Model is null) throw new InvalidDataException($"{source}: \"model\" is null; give a model object or leave the key out.");
            if (options.TrainMinSizes is null) throw new InvalidDataException($"{source}: \"train_min_sizes\" is null.");
            if (options.Optimizer is null) throw new InvalidDataException($"{source}: \"optimizer\" is null.");
            return options;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: invalid configuration at line {(e.LineNumber ?? 0) + 1}: {e.Message}", e);
        }
    }

    /// <summary>Settings that run but are probably a mistake, in words for the run's log.</summary>
    public IReadOnlyList<string> Warnings()
    {
        var warnings = new List<string>();
        bool pretrained = Weights != null || BackboneWeights != null;
        if (!pretrained && Model.BackboneNorm == Models.Backbones.NormKind.FrozenBatchNorm)
            warnings.Add("frozen batch norm on a randomly initialised backbone normalises nothing (its statistics are 0 and 1); train from scratch with --norm GroupNorm, or give --backbone-weights");
        if (!pretrained && Model.TrainableBackboneLayers < 5)
            warnings.Add($"only {Model.TrainableBackboneLayers} of 5 backbone stages train, and the frozen ones hold random weights; use --trainable-layers 5 from scratch");
        return warnings;
    }

    public void Validate()
    {
        Model.Validate();
        if (ImagesPerStep <= 0 || GradientAccumulation <= 0) throw new ArgumentException("Images per step and gradient accumulation must be positive.");
        if (Iterations <= 0) throw new ArgumentException("Iterations must be positive.");
        if (TrainMinSizes.Length == 0 || TrainMinSizes.Any(s => s <= 0)) throw new ArgumentException("Training sizes must be positive.");
        if (Optimizer is not ("sgd" or "adamw")) throw new ArgumentException($"Unknown optimiser '{Optimizer}' (sgd or adamw).");
        if (Patience < 0) throw new ArgumentException($"Patience must be 0 (off) or positive, got {Patience}.");
        if (!(BaseLearningRate > 0) || LearningRate is float lr && !(lr > 0 && float.IsFinite(lr)))
            throw new ArgumentException($"The learning rate must be positive, got {LearningRate ?? BaseLearningRate}.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"Momentum must lie in [0, 1), got {Momentum}.");
        if (!(WeightDecay >= 0)) throw new ArgumentException($"Weight decay must be ≥ 0, got {WeightDecay}.");
        if (!(HorizontalFlipProbability >= 0 && HorizontalFlipProbability <= 1)) throw new ArgumentException($"The flip probability must lie in [0, 1], got {HorizontalFlipProbability}.");
        if (Threads < 1) throw new ArgumentException($"Threads must be at least 1, got {Threads}.");
        if (WarmupIterations < 0 || !(WarmupFactor > 0 && WarmupFactor <= 1)) throw new ArgumentException($"Warmup must be ≥ 0 iterations from a factor in (0, 1], got {WarmupIterations} from {WarmupFactor}.");
        if (StopAtIteration is < 0) throw new ArgumentException($"StopAtIteration must be ≥ 0, got {StopAtIteration}.");
        if (!(TimeBudgetSeconds >= 0)) throw new ArgumentException($"The time budget must be ≥ 0 seconds, got {TimeBudgetSeconds}.");
        if (LogEvery < 1 || CheckpointEvery < 0 || EvalEvery < 0) throw new ArgumentException("LogEvery must be positive, CheckpointEvery and EvalEvery ≥ 0.");
        if (GradientClipNorm < 0 || !float.IsFinite(GradientClipNorm)) throw new ArgumentException($"GradientClipNorm must be ≥ 0, got {GradientClipNorm}.");
    }
}
