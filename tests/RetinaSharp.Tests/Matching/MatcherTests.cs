using RetinaSharp.Matching;
using Xunit;

namespace RetinaSharp.Tests.Matching;

/// <summary>
/// The matcher against torchvision's RetinaNet matching (box_iou, then Matcher(0.5, 0.4)), from
/// Fixtures/primitives/matcher.safetensors. Both sides start from the same boxes, so exact IoU ties
/// and IoU exactly at a threshold must come out the same.
/// </summary>
public sealed class MatcherTests
{
    private static PrimitiveFixture Fixture => PrimitiveFixture.Get("matcher.safetensors");

    public static TheoryData<string, bool> Cases
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var name in Fixture.Cases)
            {
                data.Add(name, true);
                data.Add(name, false);
            }
            return data;
        }
    }

    private static int[] Run(string name, bool lowQuality)
    {
        var gt = Fixture.Floats($"{name}.gt");
        var anchors = Fixture.Floats($"{name}.anchors");
        var matches = new int[anchors.Length / 4];
        new Matcher(0.5f, 0.4f, lowQuality).Match(gt, anchors, matches);
        return matches;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_torchvision(string name, bool lowQuality)
    {
        var actual = Run(name, lowQuality);

        var expected = Fixture.Ints(lowQuality ? $"{name}.matches_low_quality" : $"{name}.matches");
        if (lowQuality && Fixture.Contains($"{name}.zero_best_only"))
        {
            // A box that overlaps no anchor has best IoU 0, shared by every anchor it misses, and
            // torchvision's low-quality step then makes all of those foreground. Ours skips such a
            // box, so those anchors keep what the thresholds gave them.
            var zeroOnly = Fixture.Longs($"{name}.zero_best_only");
            var thresholded = Fixture.Ints($"{name}.matches");
            for (int i = 0; i < expected.Length; i++)
                if (zeroOnly[i] != 0) expected[i] = thresholded[i];
        }
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i] == actual[i], $"{name} (low quality {lowQuality}) anchor {i}: {actual[i]} vs torchvision {expected[i]}");
    }

    [Fact]
    public void Fixtures_cover_ties_thresholds_and_background_only_images()
    {
        // Guards the fixture: the adversarial cases must actually reach the branches they target.
        var ties = Fixture.Ints("ties.matches_low_quality");
        var tiesThresholded = Fixture.Ints("ties.matches");
        // Box 1 sits inside four 10x10 anchors (IoU 0.09 with each) and box 2 likewise; box 3
        // duplicates box 2, so the first of the two wins. All of these come from the low-quality step.
        Assert.Equal(4, ties.Count(m => m == 1));
        Assert.Equal(4, ties.Count(m => m == 2));
        Assert.DoesNotContain(1, tiesThresholded);
        Assert.DoesNotContain(3, ties);
        Assert.Contains(Matcher.Ignore, Fixture.Ints("thresholds.matches"));
        Assert.All(Fixture.Ints("low_quality.matches"), m => Assert.Equal(Matcher.Background, m));
        Assert.Equal(0, Fixture.Shape("empty.gt")[0]);
        Assert.All(Fixture.Ints("empty.matches_low_quality"), m => Assert.Equal(Matcher.Background, m));
    }

    [Fact]
    public void A_box_overlapping_no_anchor_does_not_turn_every_anchor_foreground()
    {
        var zeroOnly = Fixture.Longs("disjoint.zero_best_only");
        var torchvision = Fixture.Ints("disjoint.matches_low_quality");
        var actual = Run("disjoint", lowQuality: true);
        Assert.Contains(zeroOnly, z => z != 0);
        for (int i = 0; i < zeroOnly.Length; i++)
        {
            if (zeroOnly[i] == 0) continue;
            Assert.True(torchvision[i] >= 0);
            Assert.True(actual[i] < 0, $"anchor {i} matched {actual[i]}");
        }
    }

    [Fact]
    public void Hand_computed_two_boxes_three_anchors()
    {
        float[] anchors = [0, 0, 10, 10, 10, 0, 20, 10, 0, 0, 20, 10];
        float[] gt = [0, 0, 10, 10, 12, 0, 16, 4];
        // IoU rows: box 0 → (1, 0, 0.5); box 1 (area 16) → (0, 16/100, 16/200).
        var matches = new int[3];

        new Matcher(0.5f, 0.4f, allowLowQualityMatches: false).Match(gt, anchors, matches);
        Assert.Equal([0, Matcher.Background, 0], matches);

        // Anchor 1 is box 1's best anchor, so the low-quality step gives it box 1 at IoU 0.16.
        new Matcher(0.5f, 0.4f, allowLowQualityMatches: true).Match(gt, anchors, matches);
        Assert.Equal([0, 1, 0], matches);
    }

    [Fact]
    public void Empty_ground_truth_makes_every_anchor_background()
    {
        float[] anchors = [0, 0, 10, 10, 5, 5, 15, 15];
        var matches = new int[2];
        new Matcher().Match([], anchors, matches);
        Assert.Equal([Matcher.Background, Matcher.Background], matches);
    }

    [Fact]
    public void Ignore_regions_only_touch_anchors_that_are_not_foreground()
    {
        // Anchor 0 is foreground for the box; anchor 1 lies inside the region (overlap 1 > 0.5);
        // anchor 2 is only 40% inside it (below 0.5) and stays background.
        float[] anchors = [0, 0, 10, 10, 50, 50, 60, 60, 56, 50, 66, 60];
        float[] gt = [0, 0, 10, 10];
        float[] region = [0, 0, 60, 60];
        var matches = new int[3];
        new Matcher(allowLowQualityMatches: false).Match(gt, anchors, matches, region);
        Assert.Equal([0, Matcher.Ignore, Matcher.Background], matches);
    }
}
