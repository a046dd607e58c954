namespace RetinaSharp.Training;

/// <summary>One logged training step.</summary>
public sealed record TrainingProgress(
    int Iteration, int TotalIterations, double Loss, double ClassificationLoss, double BoxLoss, float LearningRate,
    double ImagesPerSecond, TimeSpan Elapsed, TimeSpan Remaining, int ForegroundAnchors, int SkippedImages = 0);
