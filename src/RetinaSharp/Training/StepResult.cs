namespace RetinaSharp.Training;

/// <summary>What one optimiser step did.</summary>
/// <param name="IsFinite">False when a loss was NaN or infinite: the gradients were dropped and the weights left unchanged.</param>
/// <param name="Images">Images the step trained on (over all accumulation steps).</param>
/// <param name="SkippedImages">Images of its batches left out because they could not be read.</param>
public sealed record StepResult(bool IsFinite, double Loss, double ClassificationLoss, double BoxLoss, int ForegroundAnchors, int Images, int SkippedImages,
    float LearningRate);
