namespace RetinaSharp.Evaluation;

/// <summary>
/// pycocotools' accumulated arrays: precision [T, R, K, A, M] sampled at the recall points and
/// the final recall [T, K, A, M], for IoU threshold t, recall point r, category k, area range a
/// and max-detections value m. Entries are -1 where the setting has no (non-ignored) ground truth.
/// </summary>
public sealed class CocoEvalAccumulation
{
    private readonly double[] _precision;
    private readonly double[] _recall;

    internal CocoEvalAccumulation(CocoEvalParams p, int[] maxDetections, long[] categoryIds)
    {
        IouThresholds = [.. p.IouThresholds];
        RecallThresholds = [.. p.RecallThresholds];
        AreaRanges = [.. p.AreaRanges];
        MaxDetections = maxDetections;
        CategoryIds = categoryIds;
        _precision = new double[IouThresholds.Count * RecallThresholds.Count * categoryIds.Length * AreaRanges.Count * maxDetections.Length];
        _recall = new double[IouThresholds.Count * categoryIds.Length * AreaRanges.Count * maxDetections.Length];
        Array.Fill(_precision, -1.0);
        Array.Fill(_recall, -1.0);
    }

    public IReadOnlyList<double> IouThresholds { get; }
    public IReadOnlyList<double> RecallThresholds { get; }
    public IReadOnlyList<AreaRange> AreaRanges { get; }

    /// <summary>Sorted ascending, as pycocotools sorts them.</summary>
    public IReadOnlyList<int> MaxDetections { get; }

    /// <summary>Ground-truth category ids, ascending: the k axis.</summary>
    public IReadOnlyList<long> CategoryIds { get; }

    public double Precision(int t, int r, int k, int a, int m) => _precision[PrecisionIndex(t, r, k, a, m)];

    public double Recall(int t, int k, int a, int m) => _recall[RecallIndex(t, k, a, m)];

    internal double[] PrecisionData => _precision;
    internal double[] RecallData => _recall;

    internal int PrecisionIndex(int t, int r, int k, int a, int m) =>
        (((t * RecallThresholds.Count + r) * CategoryIds.Count + k) * AreaRanges.Count + a) * MaxDetections.Count + m;

    internal int RecallIndex(int t, int k, int a, int m) =>
        ((t * CategoryIds.Count + k) * AreaRanges.Count + a) * MaxDetections.Count + m;
}
