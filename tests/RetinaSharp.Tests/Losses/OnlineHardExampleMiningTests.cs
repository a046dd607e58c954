using RetinaSharp.Losses;
using Xunit;

namespace RetinaSharp.Tests.Losses;

public sealed class OnlineHardExampleMiningTests
{
    // A0 and A1 overlap with IoU 90/110 ≈ 0.82; the others are disjoint.
    private static readonly float[] Anchors =
    [
        0, 0, 10, 10,
        1, 0, 11, 10,
        20, 20, 30, 30,
        40, 40, 50, 50,
        60, 60, 70, 70,
    ];

    private static bool[] Select(float[] losses, int[] labels, int batch, float fgFraction, float nms = 0.5f)
    {
        var chosen = new bool[losses.Length];
        int count = OnlineHardExampleMining.Select(losses, labels, Anchors, batch, fgFraction, nms, chosen);
        Assert.Equal(chosen.Count(c => c), count);
        return chosen;
    }

    [Fact]
    public void Takes_the_highest_losses_after_suppressing_overlapping_anchors()
    {
        // Loss order: A4 (ignored), A1, A0 (overlaps A1), A3 (foreground), A2.
        float[] losses = [4, 5, 2, 3, 9];
        int[] labels = [-1, -1, -1, 0, -2];
        Assert.Equal([false, true, false, true, false], Select(losses, labels, batch: 2, fgFraction: 0));
        Assert.Equal([false, true, true, true, false], Select(losses, labels, batch: 10, fgFraction: 0));
        // Without suppression the overlapping anchor is the second hardest.
        Assert.Equal([true, true, false, false, false], Select(losses, labels, batch: 2, fgFraction: 0, nms: 1f));
    }

    [Fact]
    public void A_ratio_caps_foreground_and_allows_three_negatives_per_positive()
    {
        float[] losses = [4, 5, 2, 3, 1];
        int[] labels = [-1, -1, -1, 0, 1];
        // 1:3 at a batch of 4 allows one foreground anchor: A3 (loss 3) is taken, A4 (loss 1) is not;
        // A1 and A2 are within the three negatives A3 allows.
        Assert.Equal([false, true, true, true, false], Select(losses, labels, batch: 4, fgFraction: 0.25f));
        // At a batch of 8 both foreground anchors fit.
        Assert.Equal([false, true, true, true, true], Select(losses, labels, batch: 8, fgFraction: 0.25f));
        // At a batch of 2 the quota is ⌊0.5⌋ = 0, and without positives there are no negatives either.
        Assert.Equal([false, false, false, false, false], Select(losses, labels, batch: 2, fgFraction: 0.25f));
        // Without a ratio both foreground anchors compete on loss alone.
        Assert.Equal([false, true, true, true, true], Select(losses, labels, batch: 4, fgFraction: 0));
    }

    [Fact]
    public void A_ratio_trims_negatives_to_the_positives_found_keeping_the_hardest()
    {
        float[] losses = [4, 5, 2, 3, 1];
        int[] labels = [-1, -1, -1, -1, 0];
        // 1:1 at a batch of 8: one positive exists, so one negative: the hardest, A1.
        Assert.Equal([false, true, false, false, true], Select(losses, labels, batch: 8, fgFraction: 0.5f));
        // 1:3: three negatives, A1, A3 and A2 (A0 is suppressed by A1).
        Assert.Equal([false, true, true, true, true], Select(losses, labels, batch: 8, fgFraction: 0.25f));
    }

    [Fact]
    public void Ties_are_broken_by_anchor_order()
    {
        float[] losses = [1, 1, 1, 1, 1];
        int[] labels = [-1, -1, -1, -1, -1];
        Assert.Equal([true, false, true, false, false], Select(losses, labels, batch: 2, fgFraction: 0));
    }

    [Fact]
    public void Rejects_inconsistent_inputs()
    {
        var chosen = new bool[5];
        Assert.Throws<ArgumentException>(() => OnlineHardExampleMining.Select(new float[4], new int[5], Anchors, 2, 0, 0.5f, chosen));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnlineHardExampleMining.Select(new float[5], new int[5], Anchors, 0, 0, 0.5f, chosen));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnlineHardExampleMining.Select(new float[5], new int[5], Anchors, 2, 1.5f, 0.5f, chosen));
    }
}
