using System.Text.Json.Nodes;

namespace RetinaSharp.Reporting;

/// <summary>Settings of an <see cref="EvaluationReport"/>.</summary>
public sealed record EvaluationReportOptions
{
    /// <summary>The page's heading.</summary>
    public string Title { get; init; } = "Evaluation report";

    /// <summary>Detections scoring at least this take part in the confusion matrix and the gallery.</summary>
    public float ScoreThreshold { get; init; } = ConfusionMatrix.DefaultScoreThreshold;

    /// <summary>IoU at which a detection matches a box in the matrix and the precision/recall curves.</summary>
    public double IouThreshold { get; init; } = 0.5;

    /// <summary>Images in the gallery (0: none).</summary>
    public int GalleryImages { get; init; } = 8;

    /// <summary>
    /// What the caller adds to summary.json and the page (e.g. "weights", "recipe", "training_seconds").
    /// A key may not repeat one of the report's own.
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode?> Extra { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>A training run's results.csv: plotted in the report and linked (relative to the report folder).</summary>
    public string? ResultsCsv { get; init; }
}
