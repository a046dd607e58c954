using System.Text.Json.Serialization;

namespace RetinaSharp.Training.Metrics;

/// <summary>One logged training step, a line of metrics.jsonl.</summary>
public sealed record StepMetrics
{
    [JsonPropertyName("iteration")] public int Iteration { get; init; }
    [JsonPropertyName("loss")] public double Loss { get; init; }
    [JsonPropertyName("classification")] public double Classification { get; init; }
    [JsonPropertyName("box_regression")] public double BoxRegression { get; init; }
    [JsonPropertyName("lr")] public float LearningRate { get; init; }
    [JsonPropertyName("images_per_second")] public double ImagesPerSecond { get; init; }
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    [JsonPropertyName("foreground_anchors")] public int ForegroundAnchors { get; init; }

    /// <summary>Unreadable images left out of batches so far in the run.</summary>
    [JsonPropertyName("skipped_images")] public int SkippedImages { get; init; }
}
