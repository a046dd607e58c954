using RetinaSharp.Anchors;
using RetinaSharp.Boxes;
using RetinaSharp.Structures;

namespace RetinaSharp.Postprocessing;

/// <summary>
/// Turns head outputs into detections exactly as torchvision's RetinaNet.postprocess_detections:
/// per level, sigmoid scores above the threshold (strict), the top-k of them, anchor = index / K and
/// label = index % K, decode, clip to the image; then class-wise NMS over all levels and the best
/// <see cref="InferenceOptions.DetectionsPerImage"/>.
/// </summary>
public static class RetinaNetPostProcessor
{
    private static readonly BoxCoder Coder = new();

    /// <param name="logits">Class logits of one image, [A, K] row-major.</param>
    /// <param name="deltas">Box regression of one image, [A, 4].</param>
    /// <param name="anchors">The anchors (levels in order).</param>
    /// <param name="imageSize">Size of the resized image (boxes are clipped to it).</param>
    public static List<Detection> Process(ReadOnlySpan<float> logits, ReadOnlySpan<float> deltas, AnchorSet anchors, int numClasses, ImageSize imageSize, InferenceOptions options)
    {
        float scoreThreshold = options.ScoreThreshold;
        var boxes = new List<float>();
        var scores = new List<float>();
        var labels = new List<int>();
        int start = 0;
        float logitThreshold = scoreThreshold is > 0 and < 1 ? MathF.Log(scoreThreshold / (1 - scoreThreshold)) : float.NegativeInfinity;
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
                if (s > scoreThreshold) { candIdx.Add(i); candScore.Add(s); }
            }
            var order = new int[candIdx.Count];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            var cs = candScore;
            Array.Sort(order, (a, b) => cs[b].CompareTo(cs[a]) is var c && c != 0 ? c : a.CompareTo(b));
            int take = Math.Min(options.TopKCandidates, order.Length);
            for (int t = 0; t < take; t++)
            {
                int flat = candIdx[order[t]];
                int anchor = start + flat / numClasses;
                Coder.Decode(deltas.Slice(anchor * 4, 4), anchors.Boxes.AsSpan(anchor * 4, 4), decoded);
                BoxOps.ClipToImage(decoded, imageSize.Height, imageSize.Width);
                for (int q = 0; q < 4; q++) boxes.Add(decoded[q]);
                scores.Add(candScore[order[t]]);
                labels.Add(flat % numClasses);
            }
            start += count;
        }
        var boxArr = boxes.ToArray();
        var scoreArr = scores.ToArray();
        var labelArr = labels.ToArray();
        var keep = Nms.Batched(boxArr, scoreArr, labelArr, options.NmsThreshold);
        int n = Math.Min(keep.Length, options.DetectionsPerImage);
        var result = new List<Detection>(n);
        for (int i = 0; i < n; i++)
        {
            int k = keep[i];
            result.Add(new Detection(new Box(boxArr[k * 4], boxArr[k * 4 + 1], boxArr[k * 4 + 2], boxArr[k * 4 + 3]), scoreArr[k], labelArr[k]));
        }
        return result;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
