using System.Globalization;
using RetinaSharp.Boxes;
using Xunit;

namespace RetinaSharp.Tests.Boxes;

/// <summary>
/// NMS against torchvision.ops.nms and batched_nms (Fixtures/primitives/nms.safetensors): kept
/// indices and their order must be identical, score ties included (torchvision sorts stably).
/// </summary>
public sealed class NmsTests
{
    private static PrimitiveFixture Fixture => PrimitiveFixture.Get("nms.safetensors");

    /// <summary>
    /// Box 2 has IoU exactly 30/100 = 0.3f with box 0. torchvision compares the float32 IoU with
    /// the threshold as a double, and 0.3f = 0.30000001192… is above 0.3, so it suppresses box 2;
    /// a float threshold would keep it (0.3f > 0.3f is false).
    /// </summary>
    private static readonly (string, string) FloatThresholdCase = ("threshold_edge", "0.3");

    /// <summary>Every (case, IoU threshold) in the fixture, the threshold as the script wrote it.</summary>
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var key in Fixture.Keys)
            {
                int at = key.IndexOf(".keep@", StringComparison.Ordinal);
                if (at <= 0) continue;
                var (name, threshold) = (key[..at], key[(at + ".keep@".Length)..]);
                data.Add(name, threshold);
            }
            return data;
        }
    }

    private static void AssertKeep(int[] expected, int[] actual, string what)
    {
        int common = 0;
        while (common < Math.Min(expected.Length, actual.Length) && expected[common] == actual[common]) common++;
        Assert.True(expected.Length == actual.Length && common == expected.Length,
            $"{what}: first difference at position {common} of {expected.Length} (ours {actual.Length}): " +
            $"ours [{string.Join(", ", actual.Skip(common).Take(5))}] vs torchvision [{string.Join(", ", expected.Skip(common).Take(5))}]");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nms_matches_torchvision(string name, string threshold)
    {
        double iou = double.Parse(threshold, CultureInfo.InvariantCulture);
        var keep = Nms.Run(Fixture.Floats($"{name}.boxes"), Fixture.Floats($"{name}.scores"), iou);
        AssertKeep(Fixture.Ints($"{name}.keep@{threshold}"), keep, $"{name} nms@{threshold}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_nms_matches_torchvision(string name, string threshold)
    {
        double iou = double.Parse(threshold, CultureInfo.InvariantCulture);
        var keep = Nms.Batched(Fixture.Floats($"{name}.boxes"), Fixture.Floats($"{name}.scores"), Fixture.Ints($"{name}.labels"), iou);
        AssertKeep(Fixture.Ints($"{name}.batched@{threshold}"), keep, $"{name} batched_nms@{threshold}");
    }

    [Fact]
    public void Iou_equal_to_the_float32_threshold_is_suppressed_as_in_torchvision()
    {
        var (name, threshold) = FloatThresholdCase;
        Nms_matches_torchvision(name, threshold);
        Batched_nms_matches_torchvision(name, threshold);
    }

    [Fact]
    public void Iou_equal_to_an_exact_threshold_is_kept()
    {
        // 50/100 is exactly 0.5 in float and double alike, and only IoU above the threshold suppresses.
        float[] boxes = [0, 0, 10, 10, 0, 0, 10, 5];
        Assert.Equal([0, 1], Nms.Run(boxes, [0.9f, 0.8f], 0.5f));
    }

    [Fact]
    public void Hand_computed_three_boxes()
    {
        // B overlaps A with IoU 90/110 ≈ 0.82 and is suppressed at 0.5; C is apart from both.
        float[] boxes = [0, 0, 10, 10, 1, 0, 11, 10, 20, 20, 30, 30];
        float[] scores = [0.9f, 0.8f, 0.85f];
        Assert.Equal([0, 2], Nms.Run(boxes, scores, 0.5f));
        Assert.Equal([0, 2, 1], Nms.Run(boxes, scores, 0.85f));
        // In its own class B survives, and the result is still ordered by score.
        Assert.Equal([0, 2, 1], Nms.Batched(boxes, scores, [0, 1, 0], 0.5f));
    }

    [Fact]
    public void Empty_input_keeps_nothing()
    {
        Assert.Empty(Nms.Run([], [], 0.5f));
        Assert.Empty(Nms.Batched([], [], [], 0.5f));
    }
}
