using System.Text.Json.Serialization;

namespace RetinaSharp.Training.Metrics;

/// <summary>One evaluation during or after training, a line of metrics.jsonl.</summary>
public sealed record EvaluationMetrics
{
    [JsonPropertyName("iteration")] public int Iteration { get; init; }

    /// <summary>The COCO numbers by name (AP, AP50, …).</summary>
    [JsonPropertyName("evaluation")] public IReadOnlyDictionary<string, double> Evaluation { get; init; } = new Dictionary<string, double>();
}
