namespace RetinaSharp.Evaluation;

/// <summary>
/// Settings of the COCO box evaluation. The defaults are pycocotools' detection defaults, with the
/// thresholds computed the way numpy's linspace computes them so that they compare equal.
/// </summary>
public sealed class CocoEvalParams
{
    /// <summary>IoU thresholds 0.50:0.05:0.95 (10 values).</summary>
    public IReadOnlyList<double> IouThresholds { get; init; } = NumpyArithmetic.Linspace(0.5, 0.95, 10);

    /// <summary>Recall points 0:0.01:1 (101 values) at which precision is sampled.</summary>
    public IReadOnlyList<double> RecallThresholds { get; init; } = NumpyArithmetic.Linspace(0.0, 1.0, 101);

    /// <summary>Detections kept per image and category; evaluated in ascending order.</summary>
    public IReadOnlyList<int> MaxDetections { get; init; } = [1, 10, 100];

    /// <summary>Size ranges; the first one is the one per-category AP is reported for.</summary>
    public IReadOnlyList<AreaRange> AreaRanges { get; init; } =
    [
        new("all", 0, 1e10),
        new("small", 0, 32 * 32),
        new("medium", 32 * 32, 96 * 96),
        new("large", 96 * 96, 1e10),
    ];

    public static CocoEvalParams Default { get; } = new();

    /// <summary>Checks the settings and returns the max-detection limits sorted ascending.</summary>
    internal int[] Validate()
    {
        if (IouThresholds.Count == 0) throw new ArgumentException("at least one IoU threshold is needed.");
        if (RecallThresholds.Count == 0) throw new ArgumentException("at least one recall threshold is needed.");
        if (AreaRanges.Count == 0) throw new ArgumentException("at least one area range is needed.");
        if (MaxDetections.Count == 0) throw new ArgumentException("at least one max-detections value is needed.");
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var range in AreaRanges)
        {
            if (!labels.Add(range.Label)) throw new ArgumentException($"area range label '{range.Label}' is used twice.");
        }
        var maxDets = new int[MaxDetections.Count];
        for (var i = 0; i < maxDets.Length; i++)
        {
            maxDets[i] = MaxDetections[i];
            if (maxDets[i] <= 0) throw new ArgumentException($"max detections must be positive, got {maxDets[i]}.");
        }
        Array.Sort(maxDets);
        for (var i = 1; i < maxDets.Length; i++)
        {
            if (maxDets[i] == maxDets[i - 1]) throw new ArgumentException($"max detections value {maxDets[i]} is listed twice.");
        }
        return maxDets;
    }
}
