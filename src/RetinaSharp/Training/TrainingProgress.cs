namespace RetinaSharp.Training;

/// <summary>One logged training step.</summary>
public sealed record TrainingProgress(
    int Iteration, int TotalIterations, double Loss, double ClassificationLoss, double BoxLoss, float LearningRate,
    double ImagesPerSecond, TimeSpan Elapsed, TimeSpan Remaining, int ForegroundAnchors);

/// <summary>Receives progress from a <see cref="Trainer"/> (a progress bar, a log).</summary>
public interface ITrainingObserver
{
    void OnStep(TrainingProgress progress);
    void OnEvaluation(int iteration, IReadOnlyDictionary<string, double> metrics);
    void OnMessage(string message);
}

/// <summary>How a run ended.</summary>
public sealed record TrainingResult(int Iterations, TimeSpan Elapsed, string LastCheckpoint, string? BestCheckpoint,
    IReadOnlyDictionary<string, double>? FinalMetrics, string StopReason);
