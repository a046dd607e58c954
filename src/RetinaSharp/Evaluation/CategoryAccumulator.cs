namespace RetinaSharp.Evaluation;

/// <summary>
/// Turns one category's matches into precision and recall (pycocotools' accumulate): detections of
/// all images ranked by score, cumulative true and false positives, precision made non-increasing
/// from the right, then read at the first rank whose recall reaches each recall point.
/// </summary>
internal sealed class CategoryAccumulator(CocoEvalAccumulation target)
{
    private ScoreRank[] _ranked = new ScoreRank[1024];
    private double[] _recall = new double[1024];
    private double[] _precision = new double[1024];
    private byte[] _rankedStates = new byte[1024];

    public void Accumulate(CategoryEvaluation category, int k)
    {
        var maxDets = target.MaxDetections;
        var recallPoints = target.RecallThresholds;
        var thresholdCount = category.Thresholds;
        var areaCount = category.Areas;
        if (_ranked.Length < category.Count)
        {
            _ranked = new ScoreRank[category.Count];
            _recall = new double[category.Count];
            _precision = new double[category.Count];
        }
        var precisionOut = target.PrecisionData;
        var recallOut = target.RecallData;
        var states = category.States;

        for (var m = 0; m < maxDets.Count; m++)
        {
            // Each image contributes its best maxDets[m]; ties keep image order, then rank order.
            var n = 0;
            for (var i = 0; i < category.Count; i++)
            {
                if (category.Ranks[i] < maxDets[m]) _ranked[n++] = new ScoreRank(category.Scores[i], i);
            }
            Array.Sort(_ranked, 0, n);

            // Gather the states in rank order, one contiguous row per (area, threshold), so that the
            // passes below read memory sequentially instead of jumping around per detection.
            var settings = areaCount * thresholdCount;
            if (_rankedStates.Length < settings * n) _rankedStates = new byte[settings * n];
            for (var i = 0; i < n; i++)
            {
                var source = states.AsSpan(_ranked[i].Position * settings, settings);
                for (var s = 0; s < settings; s++) _rankedStates[s * n + i] = source[s];
            }

            for (var a = 0; a < areaCount; a++)
            {
                var npig = category.NonIgnoredGroundTruth[a];
                if (npig == 0) continue;
                for (var t = 0; t < thresholdCount; t++)
                {
                    long tp = 0, fp = 0;
                    var row = _rankedStates.AsSpan((a * thresholdCount + t) * n, n);
                    for (var i = 0; i < n; i++)
                    {
                        var state = row[i];
                        if (state == MatchState.TruePositive) tp++;
                        else if (state == MatchState.FalsePositive) fp++;
                        double tpf = tp, fpf = fp;
                        _recall[i] = tpf / npig;
                        _precision[i] = tpf / (fpf + tpf + NumpyArithmetic.Spacing1);
                    }
                    recallOut[target.RecallIndex(t, k, a, m)] = n > 0 ? _recall[n - 1] : 0;

                    for (var i = n - 1; i > 0; i--)
                    {
                        if (_precision[i] > _precision[i - 1]) _precision[i - 1] = _precision[i];
                    }

                    // Recall points never reached keep precision 0 (pycocotools stops at the first one).
                    var reached = true;
                    for (var r = 0; r < recallPoints.Count; r++)
                    {
                        var value = 0.0;
                        if (reached)
                        {
                            var at = LowerBound(_recall.AsSpan(0, n), recallPoints[r]);
                            if (at < n) value = _precision[at];
                            else reached = false;
                        }
                        precisionOut[target.PrecisionIndex(t, r, k, a, m)] = value;
                    }
                }
            }
        }
    }

    /// <summary>numpy searchsorted(side='left'): the first index whose value is >= x.</summary>
    private static int LowerBound(ReadOnlySpan<double> sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
