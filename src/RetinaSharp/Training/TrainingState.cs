using System.Text.Json;
using RetinaSharp.Data.Loading;

namespace RetinaSharp.Training;

/// <summary>Where a run stands: what a resumed run needs besides the tensors and the hooks' own state.</summary>
/// <param name="Iteration">Optimiser steps taken (including skipped non-finite ones).</param>
/// <param name="Loader">The next batch to read.</param>
/// <param name="ElapsedSeconds">Training time so far, over every invocation.</param>
/// <param name="SkippedImages">Images left out of batches because they could not be read.</param>
/// <param name="Iterations">The schedule's length, which a time budget may have fitted during the run.</param>
/// <param name="WarmupIterations">The warmup's length, fitted with it.</param>
public sealed record TrainingState(int Iteration, LoaderPosition Loader, double ElapsedSeconds = 0, int SkippedImages = 0, int? Iterations = null,
    int? WarmupIterations = null)
{
    public static TrainingState Start { get; } = new(0, default);

    public string ToJson() => JsonSerializer.Serialize(this);

    public static TrainingState FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(json) ?? throw new InvalidDataException($"{source}: the training state is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the training state is not valid: {e.Message}", e);
        }
    }
}
