namespace RetinaSharp.Evaluation;

/// <summary>
/// Matches the detections of one image and category to its ground truth at every IoU threshold
/// and area range (pycocotools' evaluateImg). Buffers are reused from call to call.
/// </summary>
internal sealed class ImageMatcher
{
    private readonly double[] _thresholds;
    private readonly AreaRange[] _areas;
    private readonly int _maxDetections;
    private ScoreRank[] _order = new ScoreRank[128];
    private double[] _ious = new double[1024];
    private int[] _gtOrder = new int[32];
    private bool[] _gtIgnore = new bool[32];
    private bool[] _gtMatched = new bool[32];

    public ImageMatcher(IReadOnlyList<double> iouThresholds, IReadOnlyList<AreaRange> areas, int maxDetections)
    {
        _thresholds = new double[iouThresholds.Count];
        for (var t = 0; t < _thresholds.Length; t++)
        {
            // A match needs IoU >= threshold; capped just below 1 so that a perfect box always matches.
            _thresholds[t] = Math.Min(iouThresholds[t], 1 - 1e-10);
        }
        _areas = [.. areas];
        _maxDetections = maxDetections;
    }

    public void Evaluate(ReadOnlySpan<EvalGroundTruth> gts, ReadOnlySpan<EvalDetection> dets, CategoryEvaluation into)
    {
        var g = gts.Length;
        Reserve(ref _order, dets.Length);
        for (var i = 0; i < dets.Length; i++) _order[i] = new ScoreRank(dets[i].Score, i);
        Array.Sort(_order, 0, dets.Length);
        var d = Math.Min(dets.Length, _maxDetections);

        Reserve(ref _ious, d * g);
        for (var i = 0; i < d; i++)
        {
            ref readonly var det = ref dets[_order[i].Position];
            var row = _ious.AsSpan(i * g, g);
            for (var j = 0; j < g; j++)
            {
                ref readonly var gt = ref gts[j];
                row[j] = BoxIou.Compute(det.X, det.Y, det.Width, det.Height, gt.X, gt.Y, gt.Width, gt.Height, gt.Crowd);
            }
        }

        var start = into.Append(d);
        for (var i = 0; i < d; i++)
        {
            into.Scores[start + i] = _order[i].Score;
            into.Ranks[start + i] = i;
        }

        Reserve(ref _gtOrder, g);
        Reserve(ref _gtIgnore, g);
        Reserve(ref _gtMatched, g);
        var states = into.States;
        var thresholdCount = _thresholds.Length;
        for (var a = 0; a < _areas.Length; a++)
        {
            var area = _areas[a];
            var nonIgnored = SortGroundTruth(gts, area);
            into.NonIgnoredGroundTruth[a] += nonIgnored;
            for (var t = 0; t < thresholdCount; t++)
            {
                Array.Clear(_gtMatched, 0, g);
                for (var i = 0; i < d; i++)
                {
                    var m = BestMatch(gts, i, g, _thresholds[t]);
                    bool matched = false, ignored = false;
                    if (m >= 0)
                    {
                        _gtMatched[m] = true;
                        ignored = _gtIgnore[m];
                        // pycocotools records the matched annotation id and reads 0 as "no match",
                        // so a match to an annotation with id 0 counts as unmatched.
                        matched = gts[_gtOrder[m]].Id != 0;
                    }
                    if (!matched && !area.Contains(dets[_order[i].Position].Area)) ignored = true;
                    states[((start + i) * _areas.Length + a) * thresholdCount + t] =
                        ignored ? MatchState.Ignored : matched ? MatchState.TruePositive : MatchState.FalsePositive;
                }
            }
        }
    }

    /// <summary>Orders ground truth with the ignored ones last (stable) and returns how many are not ignored.</summary>
    private int SortGroundTruth(ReadOnlySpan<EvalGroundTruth> gts, AreaRange area)
    {
        var n = 0;
        for (var j = 0; j < gts.Length; j++)
        {
            if (!gts[j].Crowd && area.Contains(gts[j].Area)) _gtOrder[n++] = j;
        }
        var nonIgnored = n;
        for (var j = 0; j < gts.Length; j++)
        {
            if (gts[j].Crowd || !area.Contains(gts[j].Area)) _gtOrder[n++] = j;
        }
        for (var j = 0; j < gts.Length; j++) _gtIgnore[j] = j >= nonIgnored;
        return nonIgnored;
    }

    /// <summary>
    /// Greedy match of detection i: the highest-IoU ground truth not yet taken (crowds can be taken
    /// again), preferring any regular object over an ignored one. Returns a sorted position or -1.
    /// </summary>
    private int BestMatch(ReadOnlySpan<EvalGroundTruth> gts, int i, int g, double threshold)
    {
        var best = threshold;
        var m = -1;
        var row = _ious.AsSpan(i * g, g);
        for (var j = 0; j < g; j++)
        {
            var original = _gtOrder[j];
            if (_gtMatched[j] && !gts[original].Crowd) continue;
            // Ignored ground truth comes last: once a regular object matched, stop looking.
            if (m > -1 && !_gtIgnore[m] && _gtIgnore[j]) break;
            var iou = row[original];
            if (iou < best) continue;
            best = iou;
            m = j;
        }
        return m;
    }

    private static void Reserve<T>(ref T[] buffer, int n)
    {
        if (buffer.Length < n) buffer = new T[Math.Max(n, buffer.Length * 2)];
    }
}
