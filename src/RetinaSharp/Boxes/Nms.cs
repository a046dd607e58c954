namespace RetinaSharp.Boxes;

/// <summary>Greedy non-maximum suppression as torchvision.ops.nms / batched_nms.</summary>
public static class Nms
{
    /// <summary>
    /// Indices of the boxes kept, by decreasing score: a box is dropped when its IoU with a
    /// higher-scoring kept box exceeds <paramref name="iouThreshold"/>. The float32 IoU is compared
    /// with the threshold in double, as torchvision's kernel does: an IoU of exactly 0.3f (just above
    /// 0.3) is suppressed at 0.3.
    /// </summary>
    public static int[] Run(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, double iouThreshold)
    {
        int n = scores.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = scores.ToArray();
        // Stable descending sort by score (ties keep index order).
        Array.Sort(order, (a, b) => keys[b].CompareTo(keys[a]) is var c && c != 0 ? c : a.CompareTo(b));
        var areas = new float[n];
        for (int i = 0; i < n; i++) areas[i] = BoxOps.Area(boxes, i);
        var suppressed = new bool[n];
        var keep = new List<int>();
        for (int oi = 0; oi < n; oi++)
        {
            int i = order[oi];
            if (suppressed[i]) continue;
            keep.Add(i);
            for (int oj = oi + 1; oj < n; oj++)
            {
                int j = order[oj];
                if (suppressed[j]) continue;
                if ((double)BoxOps.Iou(boxes, i, areas[i], boxes, j, areas[j]) > iouThreshold) suppressed[j] = true;
            }
        }
        return keep.ToArray();
    }

    /// <summary>NMS within each label separately; the result is sorted by decreasing score.</summary>
    public static int[] Batched(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, double iouThreshold)
    {
        var byLabel = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!byLabel.TryGetValue(labels[i], out var l)) byLabel[labels[i]] = l = [];
            l.Add(i);
        }
        var keep = new List<int>();
        foreach (var idx in byLabel.Values)
        {
            var b = new float[idx.Count * 4];
            var s = new float[idx.Count];
            for (int k = 0; k < idx.Count; k++)
            {
                boxes.Slice(idx[k] * 4, 4).CopyTo(b.AsSpan(k * 4));
                s[k] = scores[idx[k]];
            }
            foreach (var k in Run(b, s, iouThreshold)) keep.Add(idx[k]);
        }
        var sc = scores.ToArray();
        keep.Sort((a, b) => sc[b].CompareTo(sc[a]) is var c && c != 0 ? c : a.CompareTo(b));
        return keep.ToArray();
    }
}
