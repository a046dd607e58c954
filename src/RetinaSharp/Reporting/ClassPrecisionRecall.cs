namespace RetinaSharp.Reporting;

/// <summary>
/// The detections of one class over a data set, best score first, each a true or a false positive
/// at one IoU, and the class's ground-truth count: precision, recall and F1 at any confidence
/// threshold, and the precision–recall curve.
/// </summary>
public sealed class ClassPrecisionRecall
{
    private readonly float[] _scores;
    private readonly int[] _truePositivesUpTo;

    /// <param name="scores">Scores, in decreasing order.</param>
    /// <param name="truePositive">Whether each detection matched a ground-truth box.</param>
    public ClassPrecisionRecall(int label, string name, int instances, int images, IReadOnlyList<float> scores, IReadOnlyList<bool> truePositive)
    {
        if (scores.Count != truePositive.Count) throw new ArgumentException($"{scores.Count} scores but {truePositive.Count} flags.", nameof(truePositive));
        Label = label;
        Name = name;
        Instances = instances;
        Images = images;
        _scores = [.. scores];
        _truePositivesUpTo = new int[_scores.Length + 1];
        for (int i = 0; i < _scores.Length; i++)
        {
            if (i > 0 && _scores[i] > _scores[i - 1]) throw new ArgumentException("Scores must be in decreasing order.", nameof(scores));
            _truePositivesUpTo[i + 1] = _truePositivesUpTo[i] + (truePositive[i] ? 1 : 0);
        }
    }

    public int Label { get; }
    public string Name { get; }

    /// <summary>Ground-truth boxes of the class (ignore regions not included).</summary>
    public int Instances { get; }

    /// <summary>Images with at least one ground-truth box of the class.</summary>
    public int Images { get; }

    /// <summary>Detections that count (those matched to an ignore region are left out).</summary>
    public int Detections => _scores.Length;

    public IReadOnlyList<float> Scores => _scores;

    /// <summary>True and false positives among the detections scoring at least <paramref name="threshold"/>.</summary>
    public (int TruePositives, int FalsePositives) CountsAt(double threshold)
    {
        int kept = Kept(threshold);
        return (_truePositivesUpTo[kept], kept - _truePositivesUpTo[kept]);
    }

    /// <summary>TP / (TP + FP) over detections scoring at least the threshold; NaN when there are none.</summary>
    public double PrecisionAt(double threshold)
    {
        var (tp, fp) = CountsAt(threshold);
        return tp + fp == 0 ? double.NaN : tp / (double)(tp + fp);
    }

    /// <summary>TP / instances; NaN when the class has no ground truth.</summary>
    public double RecallAt(double threshold) => Instances == 0 ? double.NaN : CountsAt(threshold).TruePositives / (double)Instances;

    /// <summary>The harmonic mean of precision and recall; 0 without a true positive, NaN when the class has no ground truth.</summary>
    public double F1At(double threshold)
    {
        if (Instances == 0) return double.NaN;
        var (tp, fp) = CountsAt(threshold);
        // 2PR / (P + R) with P = tp / (tp + fp), R = tp / n simplifies to 2 tp / (tp + fp + n).
        return tp == 0 ? 0 : 2.0 * tp / (tp + fp + Instances);
    }

    /// <summary>
    /// Precision at each recall level as the COCO metrics interpolate it: the best precision at
    /// that recall or beyond, 0 beyond the last recall reached. NaN everywhere without ground truth.
    /// </summary>
    public double[] InterpolatedPrecision(IReadOnlyList<double> recallLevels)
    {
        var result = new double[recallLevels.Count];
        if (Instances == 0)
        {
            Array.Fill(result, double.NaN);
            return result;
        }
        int n = _scores.Length;
        // Best precision from rank i on, so that each level reads the envelope in one step.
        var envelope = new double[n + 1];
        for (int i = n - 1; i >= 0; i--) envelope[i] = Math.Max(envelope[i + 1], _truePositivesUpTo[i + 1] / (double)(i + 1));
        int rank = 0;
        for (int j = 0; j < recallLevels.Count; j++)
        {
            double level = recallLevels[j];
            // The first rank whose recall reaches the level; levels increase, so the search resumes.
            while (rank < n && _truePositivesUpTo[rank + 1] < level * Instances - 1e-12) rank++;
            result[j] = rank < n ? envelope[rank] : 0;
        }
        return result;
    }

    /// <summary>Whether the detection at <paramref name="rank"/> (0: the best score) is a true positive.</summary>
    public bool IsTruePositive(int rank) => _truePositivesUpTo[rank + 1] > _truePositivesUpTo[rank];

    private int Kept(double threshold)
    {
        // Scores decrease: binary search for the first below the threshold.
        int lo = 0, hi = _scores.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_scores[mid] >= threshold) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
