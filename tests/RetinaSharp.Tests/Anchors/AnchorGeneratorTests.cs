using RetinaSharp.Anchors;
using Xunit;

namespace RetinaSharp.Tests.Anchors;

/// <summary>
/// Anchors against torchvision's AnchorGenerator (Fixtures/primitives/anchors.safetensors): they
/// are small integers plus integer shifts, so every value must be identical, not just close.
/// </summary>
public sealed class AnchorGeneratorTests
{
    private static PrimitiveFixture Fixture => PrimitiveFixture.Get("anchors.safetensors");

    public static TheoryData<string> Cases => new(Fixture.Cases);

    private static (int[][] Sizes, double[] Ratios) Config(string name)
    {
        var shape = Fixture.Shape($"{name}.sizes");
        var flat = Fixture.Ints($"{name}.sizes");
        var sizes = Enumerable.Range(0, shape[0]).Select(l => flat[(l * shape[1])..((l + 1) * shape[1])]).ToArray();
        var ratios = Fixture.Floats($"{name}.ratios").Select(r => (double)r).ToArray();
        return (sizes, ratios);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cell_anchors_match_torchvision(string name)
    {
        var (sizes, ratios) = Config(name);
        for (int l = 0; l < sizes.Length; l++)
            Assert.Equal(Fixture.Floats($"{name}.cell{l}"), AnchorGenerator.CellAnchors(sizes[l], ratios));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Anchors_match_torchvision(string name)
    {
        var (sizes, ratios) = Config(name);
        var padded = Fixture.Ints($"{name}.padded");
        var grid = Fixture.Ints($"{name}.feature_sizes");
        var featureSizes = Enumerable.Range(0, grid.Length / 2).Select(l => (grid[2 * l], grid[2 * l + 1])).ToArray();
        var generator = new AnchorGenerator(sizes, ratios);

        var set = generator.Generate(padded[0], padded[1], featureSizes);

        var expected = Fixture.Floats($"{name}.anchors");
        Assert.Equal(expected.Length / 4, set.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i] == set.Boxes[i], $"{name} anchor {i / 4} coordinate {i % 4}: {set.Boxes[i]} vs torchvision {expected[i]}");
        int perLocation = sizes[0].Length * ratios.Length;
        Assert.Equal(featureSizes.Select(f => f.Item1 * f.Item2 * perLocation).ToArray(), set.LevelCounts);
        Assert.Equal(perLocation, generator.NumAnchorsPerLocation);
    }

    [Fact]
    public void Fixtures_include_strides_that_are_not_powers_of_two()
    {
        // Guards the fixture itself: torchvision floors padded size / grid size, which only shows
        // against an implementation that assumes 2^level strides when some stride is not one.
        bool found = false;
        foreach (var name in Fixture.Cases)
        {
            var padded = Fixture.Ints($"{name}.padded");
            var grid = Fixture.Ints($"{name}.feature_sizes");
            for (int l = 0; l < grid.Length / 2; l++)
                found |= !int.IsPow2(padded[0] / grid[2 * l]) || !int.IsPow2(padded[1] / grid[2 * l + 1]);
        }
        Assert.True(found);
    }

    [Fact]
    public void Cell_anchors_round_half_to_even()
    {
        // Size 33 at ratio 1 spans ±16.5, which rounds to ±16; size 35 spans ±17.5, which rounds to ±18.
        // Size 40 at ratio 0.5 is 40·√2 ≈ 56.57 wide and 40/√2 ≈ 28.28 high: ±28 by ±14.
        Assert.Equal([-16f, -16f, 16f, 16f, -18f, -18f, 18f, 18f], AnchorGenerator.CellAnchors([33, 35], [1.0]));
        Assert.Equal([-28f, -14f, 28f, 14f], AnchorGenerator.CellAnchors([40], [0.5]));
    }

    [Fact]
    public void Anchors_are_shifted_by_floored_strides_row_by_row()
    {
        var generator = new AnchorGenerator([[32]], [1.0]);

        // 100 // 3 = 33 down, 64 // 2 = 32 across; anchors sit on the cell corners, not centres.
        var set = generator.Generate(100, 64, [(3, 2)]);

        float[] expected =
        [
            -16, -16, 16, 16, 16, -16, 48, 16,
            -16, 17, 16, 49, 16, 17, 48, 49,
            -16, 50, 16, 82, 16, 50, 48, 82,
        ];
        Assert.Equal(expected, set.Boxes);
        Assert.Equal([6], set.LevelCounts);
    }
}
