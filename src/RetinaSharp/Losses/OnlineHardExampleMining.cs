using RetinaSharp.Boxes;

namespace RetinaSharp.Losses;

/// <summary>
/// Online hard example mining (Shrivastava et al. 2016) over one image's anchors, as the focal loss
/// paper ablates it: every matched or background anchor is scored by its classification loss, the
/// anchors are visited from the highest loss down, an anchor whose box overlaps an already chosen one
/// by more than the NMS threshold is skipped, and the first B survivors form the minibatch.
/// </summary>
/// <remarks>
/// With a foreground fraction f (0.25 for the paper's 1:3, the variant it takes from SSD), the hardest
/// ⌊f·B⌋ foreground anchors at most are taken and background is limited to (1 − f)/f per chosen
/// foreground anchor, so the minibatch keeps the ratio even when an image has few objects (and an
/// image without objects contributes nothing). An anchor passed over because its quota is full does
/// not suppress anything: suppression is among chosen anchors only, which keeps the cost at
/// O(anchors · B) and, without a ratio, is exactly "NMS, then the top B".
/// </remarks>
public static class OnlineHardExampleMining
{
    /// <param name="losses">Per-anchor loss (higher = harder).</param>
    /// <param name="labels">Per-anchor label: ≥ 0 foreground, −1 background, ≤ −2 ignored (never chosen).</param>
    /// <param name="anchorBoxes">Anchors as x1, y1, x2, y2, four floats each.</param>
    /// <param name="selected">Receives true for the chosen anchors.</param>
    /// <returns>How many anchors were chosen.</returns>
    public static int Select(ReadOnlySpan<float> losses, ReadOnlySpan<int> labels, ReadOnlySpan<float> anchorBoxes,
        int batchSize, float foregroundFraction, float nmsThreshold, Span<bool> selected)
    {
        int a = losses.Length;
        if (labels.Length != a || anchorBoxes.Length != 4 * a || selected.Length != a)
            throw new ArgumentException($"OHEM: {a} losses, {labels.Length} labels, {anchorBoxes.Length / 4} anchors and {selected.Length} flags must agree.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "The OHEM batch size must be positive.");
        if (!(foregroundFraction >= 0 && foregroundFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(foregroundFraction), "The foreground fraction must lie in [0, 1].");
        selected.Clear();

        var order = new int[a];
        var keys = new float[a];
        int candidates = 0;
        for (int j = 0; j < a; j++)
        {
            if (labels[j] <= -2) continue;
            order[candidates] = j;
            // Sorting ascending on the negated loss gives descending loss; ties keep anchor order (stable below).
            keys[candidates] = float.IsNaN(losses[j]) ? float.NegativeInfinity : -losses[j];
            candidates++;
        }
        var idx = order.AsSpan(0, candidates);
        var k = keys.AsSpan(0, candidates);
        StableSortByKey(k, idx);

        bool ratio = foregroundFraction > 0;
        int fgQuota = ratio ? (int)MathF.Floor(foregroundFraction * batchSize) : batchSize;
        int bgQuota = ratio ? batchSize - fgQuota : batchSize;
        int total = 0, fgChosen = 0, bgChosen = 0;
        var chosen = new int[Math.Min(batchSize, candidates)];
        var chosenArea = new float[chosen.Length];
        for (int c = 0; c < candidates && total < batchSize; c++)
        {
            int j = idx[c];
            bool fg = labels[j] >= 0;
            if (fg ? fgChosen >= fgQuota : bgChosen >= bgQuota) continue;
            float area = BoxOps.Area(anchorBoxes, j);
            bool suppressed = false;
            for (int s = 0; s < total; s++)
            {
                if (BoxOps.Iou(anchorBoxes, j, area, anchorBoxes, chosen[s], chosenArea[s]) > nmsThreshold) { suppressed = true; break; }
            }
            if (suppressed) continue;
            chosen[total] = j;
            chosenArea[total] = area;
            total++;
            if (fg) fgChosen++; else bgChosen++;
        }

        // With a ratio, background is limited to (1 − f)/f per chosen foreground anchor (3 per positive
        // for 1:3, as SSD's hard negative mining), keeping the hardest.
        int bgLimit = ratio ? (int)Math.Min(bgQuota, Math.Round(fgChosen * (1 - foregroundFraction) / foregroundFraction)) : int.MaxValue;
        int kept = 0, bgKept = 0;
        for (int s = 0; s < total; s++)
        {
            int j = chosen[s];
            if (labels[j] < 0 && bgKept++ >= bgLimit) continue;
            selected[j] = true;
            kept++;
        }
        return kept;
    }

    private static void StableSortByKey(Span<float> keys, Span<int> items)
    {
        // Array.Sort is not stable; break ties by anchor index so selection is deterministic and documented.
        var pairs = new (float Key, int Item)[keys.Length];
        for (int i = 0; i < keys.Length; i++) pairs[i] = (keys[i], items[i]);
        Array.Sort(pairs, static (x, y) => x.Key != y.Key ? x.Key.CompareTo(y.Key) : x.Item.CompareTo(y.Item));
        for (int i = 0; i < pairs.Length; i++) items[i] = pairs[i].Item;
    }
}
