using RetinaSharp.Reporting;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Tests.Reporting;

/// <summary>The confusion matrix on <see cref="HandBuiltCase"/>, worked out by hand.</summary>
public sealed class ConfusionMatrixTests
{
    private const int A = 0, B = 1, C = 2, Background = 3;

    private static ConfusionMatrix Matrix() => ConfusionMatrix.Compute(HandBuiltCase.Dataset(), HandBuiltCase.Detections());

    [Fact]
    public void Counts_every_kind_of_outcome_in_its_cell()
    {
        // At score >= 0.25, d6 is out. Image 1 pairs at IoU >= 0.5: (A1, d1) 1, (B1, d3) 1, (A1, d2) 0.82.
        // Greedy by IoU: A1-d1 (a as a), B1-d3 (b as a); d2 finds A1 taken: a background false positive.
        // A2 has no detection: a missed a. d4 overlaps nothing: background as b. d5 lies in the crowd: left out.
        // Image 2: B2-d7 (b as b); d8 background as b; d9 background as c.
        var m = Matrix();
        long[,] expected =
        {
            //  a  b  c  bg   (predicted)
            { 1, 0, 0, 1 }, // true a: A1 found, A2 missed
            { 1, 1, 0, 0 }, // true b: B1 taken for a, B2 found
            { 0, 0, 0, 0 }, // true c: no ground truth
            { 1, 2, 1, 0 }, // background: d2 (a), d4 and d8 (b), d9 (c)
        };
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.True(expected[r, c] == m[r, c], $"cell [{r}, {c}]: expected {expected[r, c]}, got {m[r, c]}");
        Assert.Equal(Background, m.Background);
    }

    [Fact]
    public void Rows_are_normalised_to_shares_of_their_total()
    {
        var m = Matrix();
        Assert.Equal(0.5, m.Normalized(A, A));
        Assert.Equal(0.5, m.Normalized(A, Background));
        Assert.Equal(0.5, m.Normalized(B, A));
        Assert.Equal(0.5, m.Normalized(B, B));
        // An empty row stays 0 rather than NaN.
        Assert.Equal(0, m.Normalized(C, C));
        Assert.Equal(0.25, m.Normalized(Background, A));
        Assert.Equal(0.5, m.Normalized(Background, B));
        Assert.Equal(0.25, m.Normalized(Background, C));
    }

    [Fact]
    public void A_lower_threshold_lets_the_low_detection_find_the_missed_box()
    {
        // At 0.05, d6 (0.1) pairs with A2 at IoU 1: A2 moves from missed to found.
        var m = ConfusionMatrix.Compute(HandBuiltCase.Dataset(), HandBuiltCase.Detections(), scoreThreshold: 0.05f);
        Assert.Equal(2, m[A, A]);
        Assert.Equal(0, m[A, Background]);
    }

    [Fact]
    public void A_detection_in_a_crowd_region_is_not_a_false_positive()
    {
        // Only d5, which lies wholly inside image 1's crowd region: nothing at all is counted for it.
        var only = new List<ImageDetections> { new(1, new ImageSize(100, 100), [new Detection(new Box(72, 2, 98, 28), 0.5f, 0)]) };
        var m = ConfusionMatrix.Compute(HandBuiltCase.Dataset(), only);
        Assert.Equal(0, m[Background, A]);
        // The crowd is not ground truth either: only the three real boxes are missed.
        Assert.Equal(2, m[A, Background]);
        Assert.Equal(2, m[B, Background]);
    }

    [Fact]
    public void Detection_labels_are_mapped_through_their_category_ids()
    {
        // A model whose label 0 is category 3 (c), 1 is 1 (a), 2 is 2 (b) gives the same matrix once mapped.
        long[] categoryOf = [3, 1, 2];
        int[] modelLabel = [1, 2, 0];
        var relabelled = HandBuiltCase.Detections()
            .Select(i => i with { Detections = [.. i.Detections.Select(d => d with { Label = modelLabel[d.Label] })] }).ToList();
        var m = ConfusionMatrix.Compute(HandBuiltCase.Dataset(), relabelled, label => categoryOf[label]);
        var reference = Matrix();
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++) Assert.Equal(reference[r, c], m[r, c]);
    }

    [Fact]
    public void Csv_has_a_header_and_one_row_per_true_class_and_background()
    {
        var lines = Matrix().ToCsv().TrimEnd('\n').Split('\n');
        Assert.Equal(["true \\ predicted,a,b,c,background", "a,1,0,0,1", "b,1,1,0,0", "c,0,0,0,0", "background,1,2,1,0"], lines);
        var normalised = Matrix().ToCsv(normalized: true).TrimEnd('\n').Split('\n');
        Assert.Equal("background,0.25,0.5,0.25,0", normalised[4]);
    }

    [Fact]
    public void Svg_is_well_formed_and_names_every_class()
    {
        var svg = System.Xml.Linq.XDocument.Parse(Matrix().ToSvg(normalized: true));
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        foreach (var name in new[] { "a", "b", "c", "background", "true class", "predicted class", "0.50", "0.25" }) Assert.Contains(name, texts);
    }
}
