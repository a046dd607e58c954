namespace RetinaSharp.Evaluation;

/// <summary>
/// pycocotools' summarize: each statistic is the mean of the precision (or recall) entries of one
/// setting that are above -1, or -1 when there are none.
/// </summary>
internal static class CocoEvalSummarizer
{
    /// <summary>One of the 12 standard numbers: AP or AR, an IoU threshold or all, a size range, a max-detections index.</summary>
    internal readonly record struct Stat(string Name, bool Precision, double? Iou, string Area, int MaxDetsIndex);

    /// <summary>The 12 statistics in COCOeval.stats order. MaxDetsIndex -1 stands for a fixed 100.</summary>
    internal static readonly Stat[] Stats =
    [
        new("AP", true, null, "all", -1),
        new("AP50", true, 0.5, "all", 2),
        new("AP75", true, 0.75, "all", 2),
        new("APs", true, null, "small", 2),
        new("APm", true, null, "medium", 2),
        new("APl", true, null, "large", 2),
        new("AR1", false, null, "all", 0),
        new("AR10", false, null, "all", 1),
        new("AR100", false, null, "all", 2),
        new("ARs", false, null, "small", 2),
        new("ARm", false, null, "medium", 2),
        new("ARl", false, null, "large", 2),
    ];

    /// <summary>The max-detections value a statistic is reported at (the last one when fewer than 3 are set).</summary>
    internal static int MaxDetsOf(Stat stat, IReadOnlyList<int> maxDets) =>
        stat.MaxDetsIndex < 0 ? 100 : maxDets[Math.Min(stat.MaxDetsIndex, maxDets.Count - 1)];

    public static double[] Summarize(CocoEvalAccumulation acc)
    {
        var values = new double[Stats.Length];
        var buffer = new List<double>();
        for (var s = 0; s < Stats.Length; s++)
        {
            var stat = Stats[s];
            var a = IndexOfArea(acc, stat.Area);
            var m = IndexOfMaxDets(acc, MaxDetsOf(stat, acc.MaxDetections));
            var t = stat.Iou is { } iou ? IndexOfIou(acc, iou) : -1;
            buffer.Clear();
            if (a >= 0 && m >= 0 && (stat.Iou is null || t >= 0))
            {
                if (stat.Precision) CollectPrecision(acc, t, -1, a, m, buffer);
                else CollectRecall(acc, t, a, m, buffer);
            }
            values[s] = MeanAboveMinusOne(buffer);
        }
        return values;
    }

    public static CocoCategoryAp[] PerCategory(CocoEvalAccumulation acc, string[] names)
    {
        var result = new CocoCategoryAp[acc.CategoryIds.Count];
        var m = acc.MaxDetections.Count - 1;
        var t50 = IndexOfIou(acc, 0.5);
        var buffer = new List<double>();
        for (var k = 0; k < result.Length; k++)
        {
            buffer.Clear();
            CollectPrecision(acc, -1, k, 0, m, buffer);
            var ap = MeanAboveMinusOne(buffer);
            buffer.Clear();
            if (t50 >= 0) CollectPrecision(acc, t50, k, 0, m, buffer);
            result[k] = new CocoCategoryAp(acc.CategoryIds[k], names[k], ap, MeanAboveMinusOne(buffer));
        }
        return result;
    }

    /// <summary>Precision entries in numpy's C order (t, r, k); t or k of -1 means all of them.</summary>
    private static void CollectPrecision(CocoEvalAccumulation acc, int t, int k, int a, int m, List<double> into)
    {
        var data = acc.PrecisionData;
        int t0 = t < 0 ? 0 : t, t1 = t < 0 ? acc.IouThresholds.Count : t + 1;
        int k0 = k < 0 ? 0 : k, k1 = k < 0 ? acc.CategoryIds.Count : k + 1;
        for (var ti = t0; ti < t1; ti++)
        {
            for (var r = 0; r < acc.RecallThresholds.Count; r++)
            {
                for (var ki = k0; ki < k1; ki++) into.Add(data[acc.PrecisionIndex(ti, r, ki, a, m)]);
            }
        }
    }

    private static void CollectRecall(CocoEvalAccumulation acc, int t, int a, int m, List<double> into)
    {
        var data = acc.RecallData;
        int t0 = t < 0 ? 0 : t, t1 = t < 0 ? acc.IouThresholds.Count : t + 1;
        for (var ti = t0; ti < t1; ti++)
        {
            for (var k = 0; k < acc.CategoryIds.Count; k++) into.Add(data[acc.RecallIndex(ti, k, a, m)]);
        }
    }

    private static double MeanAboveMinusOne(List<double> values)
    {
        var kept = new double[values.Count];
        var n = 0;
        foreach (var v in values)
        {
            if (v > -1) kept[n++] = v;
        }
        return n == 0 ? -1 : NumpyArithmetic.Mean(kept.AsSpan(0, n));
    }

    private static int IndexOfArea(CocoEvalAccumulation acc, string label)
    {
        for (var a = 0; a < acc.AreaRanges.Count; a++)
        {
            if (acc.AreaRanges[a].Label == label) return a;
        }
        return -1;
    }

    private static int IndexOfMaxDets(CocoEvalAccumulation acc, int value)
    {
        for (var m = 0; m < acc.MaxDetections.Count; m++)
        {
            if (acc.MaxDetections[m] == value) return m;
        }
        return -1;
    }

    /// <summary>Exact comparison, as pycocotools' np.where(iouThr == iouThrs).</summary>
    private static int IndexOfIou(CocoEvalAccumulation acc, double iou)
    {
        for (var t = 0; t < acc.IouThresholds.Count; t++)
        {
            if (acc.IouThresholds[t] == iou) return t;
        }
        return -1;
    }
}
