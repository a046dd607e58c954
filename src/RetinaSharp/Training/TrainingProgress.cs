namespace RetinaSharp.Training;

/// <summary>One logged training step. <see cref="Remaining"/> is the estimated time to the end of the run, never past its time budget.</summary>
public sealed record TrainingProgress(
    int Iteration, int TotalIterations, double Loss, double ClassificationLoss, double BoxLoss, float LearningRate,
    double ImagesPerSecond, TimeSpan Elapsed, TimeSpan Remaining, int ForegroundAnchors, int SkippedImages = 0);
