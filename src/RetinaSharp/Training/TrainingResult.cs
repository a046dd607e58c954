namespace RetinaSharp.Training;

/// <summary>How a run ended.</summary>
/// <param name="SkippedImages">Images left out of batches over the whole run because they could not be read.</param>
public sealed record TrainingResult(int Iterations, TimeSpan Elapsed, string LastCheckpoint, string? BestCheckpoint,
    IReadOnlyDictionary<string, double>? FinalMetrics, StopReason StopReason, int SkippedImages = 0);
