using RetinaSharp.Anchors;
using RetinaSharp.Boxes;

namespace RetinaSharp.Postprocessing;

/// <summary>
/// Turns head outputs into detections exactly as torchvision's RetinaNet.postprocess_detections:
/// per level, sigmoid scores above the threshold (strict), the top-k of them, anchor = index / K and
/// label = index % K, decode, clip to the image; then class-wise NMS over all levels and the best
/// <see cref="DetectionsPerImage"/>.
/// </summary>
public sealed class RetinaNetPostProcessor(BoxCoder boxCoder)
{
    public float ScoreThreshold { get; init; } = 0.05f;
    public float NmsThreshold { get; init; } = 0.5f;
    public int TopKCandidates { get; init; } = 1000;
    public int DetectionsPerImage { get; init; } = 300;

    /// <param name="logits">Class logits of one image, [A, K] row-major.</param>
    /// <param name="deltas">Box regression of one image, [A, 4].</param>
    /// <param name="anchors">The anchors (levels in order).</param>
    /// <param name="imageHeight">Height of the resized image (boxes are clipped to it).</param>
    /// <param name="imageWidth">Width of the resized image.</param>
    public List<Detection> Process(ReadOnlySpan<float> logits, ReadOnlySpan<float> deltas, AnchorSet anchors, int numClasses, int imageHeight, int imageWidth)
    {
        var boxes = new List<float>();
        var scores = new List<float>();
        var labels = new List<int>();
        int start = 0;
        float logitThreshold = ScoreThreshold is > 0 and < 1 ? MathF.Log(ScoreThreshold / (1 - ScoreThreshold)) : float.NegativeInfinity;
        var candIdx = new List<int>();
        var candScore = new List<float>();
        var decoded = new float[4];
        foreach (var count in anchors.LevelCounts)
        {
            candIdx.Clear();
            candScore.Clear();
            var levelLogits = logits.Slice(start * numClasses, count * numClasses);
            for (int i = 0; i < levelLogits.Length; i++)
            {
                // Cheap pre-filter on the logit; the exact test is on the float32 sigmoid, as torch does.
                if (levelLogits[i] < logitThreshold - 1e-3f) continue;
                float s = Sigmoid(levelLogits[i]);
                if (s > ScoreThreshold) { candIdx.Add(i); candScore.Add(s); }
            }
            var order = new int[candIdx.Count];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            var cs = candScore;
            Array.Sort(order, (a, b) => cs[b].CompareTo(cs[a]) is var c && c != 0 ? c : a.CompareTo(b));
            int take = Math.Min(TopKCandidates, order.Length);
            for (int t = 0; t < take; t++)
            {
                int flat = candIdx[order[t]];
                int anchor = start + flat / numClasses;
                boxCoder.Decode(deltas.Slice(anchor * 4, 4), anchors.Boxes.AsSpan(anchor * 4, 4), decoded);
                BoxOps.ClipToImage(decoded, imageHeight, imageWidth);
                for (int q = 0; q < 4; q++) boxes.Add(decoded[q]);
                scores.Add(candScore[order[t]]);
                labels.Add(flat % numClasses);
            }
            start += count;
        }
        var boxArr = boxes.ToArray();
        var scoreArr = scores.ToArray();
        var labelArr = labels.ToArray();
        var keep = Nms.Batched(boxArr, scoreArr, labelArr, NmsThreshold);
        int n = Math.Min(keep.Length, DetectionsPerImage);
        var result = new List<Detection>(n);
        for (int i = 0; i < n; i++)
        {
            int k = keep[i];
            result.Add(new Detection(boxArr[k * 4], boxArr[k * 4 + 1], boxArr[k * 4 + 2], boxArr[k * 4 + 3], scoreArr[k], labelArr[k]));
        }
        return result;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>Maps detections from the resized image back to the original (torchvision's transform.postprocess).</summary>
    public static List<Detection> MapToOriginal(List<Detection> detections, int resizedHeight, int resizedWidth, int originalHeight, int originalWidth)
    {
        float rx = (float)originalWidth / resizedWidth, ry = (float)originalHeight / resizedHeight;
        var mapped = new List<Detection>(detections.Count);
        foreach (var d in detections) mapped.Add(d with { X1 = d.X1 * rx, Y1 = d.Y1 * ry, X2 = d.X2 * rx, Y2 = d.Y2 * ry });
        return mapped;
    }
}
