using RetinaSharp.Reporting;
using Xunit;

namespace RetinaSharp.Tests.Reporting;

/// <summary>Per-class precision, recall and F1 against confidence, and the per-class table, on <see cref="HandBuiltCase"/>.</summary>
public sealed class PrecisionRecallTests
{
    // Per class, detections in score order take the best unmatched box of their class at IoU >= 0.5:
    //   a: d1 0.9 TP (A1), d2 0.8 FP (A1 taken), d3 0.7 FP (no a box there), d5 0.5 left out (crowd of a), d6 0.1 TP (A2); 2 boxes.
    //   b: d7 0.95 TP (B2), d4 0.6 FP, d8 0.3 FP; 2 boxes (B1 is never found as b).
    //   c: d9 0.4 FP; no boxes.
    private static PrecisionRecallAnalysis Analysis() => PrecisionRecallAnalysis.Compute(HandBuiltCase.Dataset(), HandBuiltCase.Detections());

    [Fact]
    public void Matches_per_class_in_score_order_and_leaves_out_crowd_detections()
    {
        var analysis = Analysis();
        var a = analysis.Classes[0];
        Assert.Equal(2, a.Instances);
        Assert.Equal(1, a.Images);
        Assert.Equal([0.9f, 0.8f, 0.7f, 0.1f], a.Scores);
        Assert.Equal([true, false, false, true], Enumerable.Range(0, 4).Select(a.IsTruePositive));
        var b = analysis.Classes[1];
        Assert.Equal((2, 2), (b.Instances, b.Images));
        Assert.Equal([0.95f, 0.6f, 0.3f], b.Scores);
        Assert.Equal((0, 1), (analysis.Classes[2].Instances, analysis.Classes[2].Detections));
    }

    [Fact]
    public void Precision_recall_and_f1_at_thresholds()
    {
        var a = Analysis().Classes[0];
        // >= 0.85: d1 only. P 1, R 1/2, F1 = 2·1·(1/2) / (3/2) = 2/3.
        Assert.Equal((1, 0), a.CountsAt(0.85));
        Assert.Equal(1, a.PrecisionAt(0.85));
        Assert.Equal(0.5, a.RecallAt(0.85));
        Assert.Equal(2.0 / 3, a.F1At(0.85), 12);
        // >= 0.75: d1, d2. P 1/2, R 1/2, F1 1/2.
        Assert.Equal(0.5, a.PrecisionAt(0.75));
        Assert.Equal(0.5, a.F1At(0.75), 12);
        // >= 0.65: d1-d3. P 1/3, R 1/2, F1 = (1/3) / (5/6) = 0.4.
        Assert.Equal(1.0 / 3, a.PrecisionAt(0.65), 12);
        Assert.Equal(0.4, a.F1At(0.65), 12);
        // >= 0.05: all four. P 1/2, R 1, F1 2/3. The crowd detection d5 does not lower precision.
        Assert.Equal((2, 2), a.CountsAt(0.05));
        Assert.Equal(1, a.RecallAt(0.05));
        Assert.Equal(2.0 / 3, a.F1At(0.05), 12);
        // Above every score nothing is kept: precision is undefined, F1 0.
        Assert.True(double.IsNaN(a.PrecisionAt(0.95)));
        Assert.Equal(0, a.F1At(0.95));
        // A class without ground truth has no recall or F1, only precision.
        var c = Analysis().Classes[2];
        Assert.Equal(0, c.PrecisionAt(0.3));
        Assert.True(double.IsNaN(c.RecallAt(0.3)));
        Assert.True(double.IsNaN(c.F1At(0.3)));
    }

    [Fact]
    public void The_best_threshold_maximises_f1_averaged_over_classes_with_ground_truth()
    {
        // Mean of a's and b's F1 (c has no boxes) at each score:
        //   0.95: a 0, b 2/3 -> 1/3        0.9: a 2/3, b 2/3 -> 2/3     0.8: 1/2, 2/3 -> 7/12
        //   0.7: 0.4, 2/3 -> 8/15          0.6: 0.4, 1/2 -> 0.45         0.5 (d5, left out): as 0.6
        //   0.4: 0.4, 1/2 -> 0.45          0.3: 0.4, 0.4 -> 0.4          0.1: 2/3, 0.4 -> 8/15
        var analysis = Analysis();
        Assert.Equal(0.9f, (float)analysis.BestThreshold);
        Assert.Equal(2.0 / 3, analysis.BestMeanF1, 12);
        Assert.Equal(8.0 / 15, analysis.MeanF1At(0.1), 12);
    }

    [Fact]
    public void Interpolated_precision_is_the_coco_envelope()
    {
        // a: (recall, precision) by rank (1/2, 1), (1/2, 1/2), (1/2, 1/3), (1, 1/2). The best precision
        // at recall r or beyond is 1 up to r = 1/2 and 1/2 above: 51 levels of 1 and 50 of 1/2.
        var levels = Enumerable.Range(0, 101).Select(i => i / 100.0).ToArray();
        var p = Analysis().Classes[0].InterpolatedPrecision(levels);
        Assert.All(p.Take(51), v => Assert.Equal(1, v));
        Assert.All(p.Skip(51), v => Assert.Equal(0.5, v));
        // b never reaches recall above 1/2: 0 beyond.
        var pb = Analysis().Classes[1].InterpolatedPrecision(levels);
        Assert.Equal(51, pb.Count(v => v == 1));
        Assert.Equal(50, pb.Count(v => v == 0));
    }

    [Fact]
    public void The_table_reads_precision_and_recall_at_the_best_threshold_and_takes_ap_from_coco()
    {
        var dataset = HandBuiltCase.Dataset();
        var detections = HandBuiltCase.Detections();
        var result = HandBuiltCase.Evaluate(dataset, detections);
        var table = PerClassTable.Create(Analysis(), result, dataset.Classes, images: 2);
        Assert.Equal(0.9f, (float)table.ConfidenceThreshold);
        var a = table.Rows[0];
        Assert.Equal(("a", 1L, 1, 2), (a.Name, a.CategoryId!.Value, a.Images, a.Instances));
        // At 0.9: a keeps d1 (P 1, R 1/2); b keeps d7 (P 1, R 1/2).
        Assert.Equal((1.0, 0.5), (a.Precision, a.Recall));
        Assert.Equal(2.0 / 3, a.F1, 12);
        // COCO's AP50 is the area under the envelope above: a (51 + 50/2) / 101, b 51/101.
        Assert.Equal(76.0 / 101, a.AP50, 12);
        var b = table.Rows[1];
        Assert.Equal((2, 2, 1.0, 0.5), (b.Images, b.Instances, b.Precision, b.Recall));
        Assert.Equal(51.0 / 101, b.AP50, 12);
        Assert.Equal(result.PerCategory[1].AP, b.AP);
        // c: no boxes, so no recall and no AP; its one detection (0.4) is below 0.9, so no precision either.
        var c = table.Rows[2];
        Assert.Equal(0, c.Instances);
        Assert.True(double.IsNaN(c.Recall) && double.IsNaN(c.AP50) && double.IsNaN(c.AP) && double.IsNaN(c.Precision));
        // all: totals, means over a and b, COCO's summary APs.
        var all = table.All;
        Assert.Equal((2, 4, 1.0, 0.5), (all.Images, all.Instances, all.Precision, all.Recall));
        Assert.Equal(127.0 / 202, all.AP50, 12);
        Assert.Equal(result.AP, all.AP);
    }

    [Fact]
    public void Table_csv_and_text_show_missing_values_as_empty_and_dash()
    {
        var dataset = HandBuiltCase.Dataset();
        var table = PerClassTable.Create(Analysis(), HandBuiltCase.Evaluate(dataset, HandBuiltCase.Detections()), dataset.Classes, images: 2);
        var csv = table.ToCsv().TrimEnd('\n').Split('\n');
        Assert.Equal("class,category_id,images,instances,precision,recall,f1,AP50,AP", csv[0]);
        Assert.StartsWith("all,,2,4,1,0.5,0.666667,0.628713,", csv[1]);
        Assert.StartsWith("a,1,1,2,1,0.5,0.666667,0.752475,", csv[2]);
        Assert.Equal("c,3,0,0,,,,,", csv[4]);
        var text = table.Format().Split('\n');
        Assert.Equal("Precision, recall and F1 at IoU 0.5 and confidence >= 0.9 (the best mean F1).", text[0]);
        Assert.Equal("class  images  instances      P      R     F1   AP50     AP", text[1]);
        Assert.StartsWith("all         2          4  1.000  0.500  0.667  0.629", text[2]);
        Assert.Equal("c           0          0      -      -      -      -      -", text[5]);
    }
}
