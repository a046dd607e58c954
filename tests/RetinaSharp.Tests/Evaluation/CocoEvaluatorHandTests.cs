using RetinaSharp.Data.Coco;
using RetinaSharp.Evaluation;
using Xunit;

namespace RetinaSharp.Tests.Evaluation;

/// <summary>
/// Small cases whose numbers follow from the COCO definitions by hand. Compared to 12 digits:
/// precision is tp / (tp + fp + 2^-52), so a lone hit scores 1 - 2^-52 rather than 1.
/// </summary>
public sealed class CocoEvaluatorHandTests
{
    private static CocoFile GroundTruth(long[] imageIds, params (long Image, double[] Box, int Crowd)[] boxes)
    {
        var gt = new CocoFile();
        foreach (var id in imageIds) gt.Images.Add(new CocoImage { Id = id, Width = 640, Height = 480 });
        gt.Categories.Add(new CocoCategory { Id = 1, Name = "thing" });
        for (var i = 0; i < boxes.Length; i++)
        {
            var (image, box, crowd) = boxes[i];
            gt.Annotations.Add(new CocoAnnotation { Id = i + 1, ImageId = image, CategoryId = 1, Bbox = box, Area = box[2] * box[3], IsCrowd = crowd });
        }
        return gt;
    }

    private static CocoResult Det(long image, double x, double y, double w, double h, double score) =>
        new() { ImageId = image, CategoryId = 1, Bbox = [x, y, w, h], Score = score };

    [Fact]
    public void One_detection_at_IoU_073_counts_at_the_five_thresholds_up_to_070()
    {
        // IoU = 73 / 100: a hit at 0.50, 0.55, 0.60, 0.65, 0.70 and a miss at 0.75 and above.
        var gt = GroundTruth([1], (1, [0, 0, 10, 10], 0));
        var r = CocoEvaluator.Evaluate(gt, [Det(1, 0, 0, 10, 7.3, 0.9)]);

        Assert.Equal(1.0, r.AP50, 12);
        Assert.Equal(0.0, r.AP75);
        Assert.Equal(0.5, r.AP, 12);
        Assert.Equal(0.5, r.APs, 12);           // area 100 is small
        Assert.Equal(-1, r.APm);                 // no ground truth of that size
        Assert.Equal(-1, r.APl);
        Assert.Equal(0.5, r.AR1, 12);
        Assert.Equal(0.5, r.AR100, 12);
        for (var t = 0; t < 10; t++)
        {
            Assert.Equal(t <= 4 ? 1.0 : 0.0, r.Accumulation.Recall(t, 0, 0, 2));
        }
    }

    [Fact]
    public void Precision_is_made_non_increasing_before_it_is_sampled()
    {
        // Ranked hits: hit, miss, hit over 2 objects. Precision 1, 1/2, 2/3 becomes 1, 2/3, 2/3;
        // recall 1/2, 1/2, 1. Recall points 0.00..0.50 read 1, points 0.51..1.00 read 2/3.
        var gt = GroundTruth([1], (1, [0, 0, 50, 50], 0), (1, [100, 100, 50, 50], 0));
        var r = CocoEvaluator.Evaluate(gt, [Det(1, 0, 0, 50, 50, 0.9), Det(1, 300, 300, 50, 50, 0.8), Det(1, 100, 100, 50, 50, 0.7)]);

        var expected = (51 * 1.0 + 50 * (2.0 / 3.0)) / 101;
        Assert.Equal(expected, r.AP50, 12);
        Assert.Equal(expected, r.AP, 12);        // exact boxes: the same at every threshold
        Assert.Equal(2.0 / 3.0, r.Accumulation.Precision(0, 50 + 1, 0, 0, 2), 12);
        Assert.Equal(1.0, r.Accumulation.Precision(0, 50, 0, 0, 2), 12);
        Assert.Equal(0.5, r.AR1, 12);            // the best single detection finds 1 of 2
        Assert.Equal(1.0, r.AR10, 12);
    }

    [Theory]
    [InlineData(1, 2, 0.5)]  // the miss sits in the image with the lower id, so it ranks first
    [InlineData(2, 1, 1.0)]  // the hit ranks first
    public void Equal_scores_keep_image_order(long missImage, long hitImage, double ap50)
    {
        var gt = GroundTruth([2, 1], (hitImage, [0, 0, 40, 40], 0));
        var r = CocoEvaluator.Evaluate(gt, [Det(hitImage, 0, 0, 40, 40, 0.8), Det(missImage, 200, 200, 40, 40, 0.8)]);
        Assert.Equal(ap50, r.AP50, 12);
    }

    [Fact]
    public void Detections_inside_a_crowd_are_neither_hits_nor_misses()
    {
        var boxes = new (long, double[], int)[] { (1, [0, 0, 10, 10], 0), (1, [50, 50, 100, 100], 1) };
        var dets = new[] { Det(1, 0, 0, 10, 10, 0.5), Det(1, 60, 60, 10, 10, 0.9), Det(1, 70, 70, 10, 10, 0.8) };

        var withCrowd = CocoEvaluator.Evaluate(GroundTruth([1], boxes), dets);
        Assert.Equal(1.0, withCrowd.AP, 12);

        // The same region as a regular object: both inner boxes (IoU 0.01) become misses ranked first,
        // so precision is 1/3 up to recall 1/2 and the large object is never found.
        boxes[1].Item3 = 0;
        var withoutCrowd = CocoEvaluator.Evaluate(GroundTruth([1], boxes), dets);
        Assert.Equal(51 * (1.0 / 3.0) / 101, withoutCrowd.AP50, 12);
    }

    [Fact]
    public void Max_detections_keeps_the_highest_scores_of_each_image()
    {
        var gt = GroundTruth([1], (1, [0, 0, 40, 40], 0));
        var r = CocoEvaluator.Evaluate(gt, [Det(1, 0, 0, 40, 40, 0.3), Det(1, 300, 300, 40, 40, 0.9)]);
        Assert.Equal(0.0, r.AR1);
        Assert.Equal(1.0, r.AR10);
    }

    [Fact]
    public void No_detections_at_all_give_zero_for_categories_with_ground_truth()
    {
        var gt = GroundTruth([1, 2], (1, [0, 0, 40, 40], 0));
        var r = CocoEvaluator.Evaluate(gt, Array.Empty<CocoResult>());
        Assert.Equal(0.0, r.AP);
        Assert.Equal(0.0, r.AR100);
        Assert.Equal(0.0, r.APm);
        Assert.Equal(-1, r.APs);
        Assert.Equal(0.0, r.PerCategory[0].AP);
    }

    [Fact]
    public void A_smaller_IoU_grid_changes_the_averages_only()
    {
        var gt = GroundTruth([1], (1, [0, 0, 10, 10], 0));
        var p = new CocoEvalParams { IouThresholds = [0.5, 0.75] };
        var r = CocoEvaluator.Evaluate(gt, [Det(1, 0, 0, 10, 7.3, 0.9)], p);
        Assert.Equal(0.5, r.AP, 12);
        Assert.Equal(1.0, r.AP50, 12);
        Assert.Equal(0.0, r.AP75);
    }

    [Fact]
    public void The_annotation_area_decides_the_size_range_and_the_box_area_stands_in_when_absent()
    {
        // A 50 x 50 box (2500, medium) whose annotation says 900 (small).
        var gt = GroundTruth([1], (1, [0, 0, 50, 50], 0));
        gt.Annotations[0].Area = 900;
        var dets = new[] { Det(1, 0, 0, 50, 50, 0.9) };
        var stated = CocoEvaluator.Evaluate(gt, dets);
        Assert.Equal(1.0, stated.APs, 12);
        Assert.Equal(-1, stated.APm);

        gt.Annotations[0].Area = null;
        var fallback = CocoEvaluator.Evaluate(gt, dets);
        Assert.Equal(-1, fallback.APs);
        Assert.Equal(1.0, fallback.APm, 12);
    }
}
