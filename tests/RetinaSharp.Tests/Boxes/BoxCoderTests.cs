using RetinaSharp.Boxes;
using Xunit;

namespace RetinaSharp.Tests.Boxes;

/// <summary>
/// The box coder against torchvision's BoxCoder.encode_single / decode_single
/// (Fixtures/primitives/box_coder.safetensors), with RetinaNet's unit weights and Faster R-CNN's
/// (10, 10, 5, 5), including size deltas at and past the log(1000/16) clamp.
/// </summary>
public sealed class BoxCoderTests
{
    private const double Rtol = 1e-5;

    private static PrimitiveFixture Fixture => PrimitiveFixture.Get("box_coder.safetensors");

    public static TheoryData<string> Cases => new(Fixture.Cases);

    private static BoxCoder Coder(string name)
    {
        var w = Fixture.Floats($"{name}.weights");
        return new BoxCoder(w[0], w[1], w[2], w[3]);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            // Relative to the element or to the largest value of its box: a corner is a centre minus
            // a half size, and when those nearly cancel only the box's own scale is meaningful.
            int row = i / 4 * 4;
            double scale = Math.Max(Math.Abs(expected[i]), expected.AsSpan(row, 4).ToArray().Max(v => Math.Abs(v)));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Rtol * scale + 1e-7,
                $"{what} box {i / 4} value {i % 4}: {actual[i]} vs torchvision {expected[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_matches_torchvision(string name)
    {
        var anchors = Fixture.Floats("anchors");
        var deltas = new float[anchors.Length];
        Coder(name).Encode(Fixture.Floats("gt"), anchors, deltas);
        AssertClose(Fixture.Floats($"{name}.encoded"), deltas, $"{name} encode");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_matches_torchvision(string name)
    {
        var anchors = Fixture.Floats("anchors");
        var boxes = new float[anchors.Length];
        var coder = Coder(name);
        Assert.Equal(Fixture.Floats($"{name}.clip")[0], coder.Clip);
        coder.Decode(Fixture.Floats("deltas"), anchors, boxes);
        AssertClose(Fixture.Floats($"{name}.decoded"), boxes, $"{name} decode");
    }

    [Fact]
    public void Fixture_deltas_reach_past_the_clamp()
    {
        var deltas = Fixture.Floats("deltas");
        float clip = Fixture.Floats("unit.clip")[0];
        Assert.Contains(deltas.Where((_, i) => i % 4 >= 2), d => d > clip * 5);
    }

    [Fact]
    public void Hand_computed_encode_and_decode()
    {
        var coder = new BoxCoder();
        // Anchor 10x20 centred at (5, 10); the box has the same size centred at (10, 15).
        float[] anchor = [0, 0, 10, 20];
        var deltas = new float[4];
        coder.Encode([5, 5, 15, 25], anchor, deltas);
        Assert.Equal([0.5f, 0.25f, 0f, 0f], deltas);

        // Doubling the width around the same centre.
        var boxes = new float[4];
        coder.Decode([0, 0, MathF.Log(2), 0], [0, 0, 10, 10], boxes);
        AssertClose([-5, 0, 15, 10], boxes, "doubled width");
    }

    [Fact]
    public void Decoding_clamps_size_deltas_at_log_1000_over_16()
    {
        // A 16-pixel anchor can grow to at most 1000 pixels however large the delta.
        var boxes = new float[4];
        new BoxCoder().Decode([0, 0, 100, 0], [0, 0, 16, 16], boxes);
        AssertClose([8 - 500, 0, 8 + 500, 16], boxes, "clamped width");
    }
}
