using System.Text.Json;
using RetinaSharp.Evaluation;
using Xunit;

namespace RetinaSharp.Tests.Evaluation;

/// <summary>
/// Our evaluation against pycocotools' numbers for the fixture cases. The comparison is exact:
/// every operation that rounds is done as numpy does it, so any difference is a semantic one.
/// </summary>
public sealed class PycocotoolsParityTests
{
    public static TheoryData<string> Cases => new(CocoEvalFixture.Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_twelve_stats_equal_pycocotools(string name)
    {
        var f = CocoEvalFixture.Get(name);
        var expected = f.Expected.GetProperty("stats");
        var named = new[] { f.Result.AP, f.Result.AP50, f.Result.AP75, f.Result.APs, f.Result.APm, f.Result.APl,
                            f.Result.AR1, f.Result.AR10, f.Result.AR100, f.Result.ARs, f.Result.ARm, f.Result.ARl };
        for (var s = 0; s < 12; s++)
        {
            var statName = CocoEvalResult.StatNames[s];
            AssertSame(expected.GetProperty(statName).GetDouble(), f.Result.Stats[s], $"{name} {statName}");
            Assert.Equal(f.Result.Stats[s], named[s]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Per_category_AP_equals_pycocotools(string name)
    {
        var f = CocoEvalFixture.Get(name);
        var expected = f.Expected.GetProperty("per_category").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, f.Result.PerCategory.Count);
        for (var k = 0; k < expected.Length; k++)
        {
            var actual = f.Result.PerCategory[k];
            Assert.Equal(expected[k].GetProperty("category_id").GetInt64(), actual.CategoryId);
            Assert.Equal(expected[k].GetProperty("name").GetString(), actual.Name);
            AssertSame(expected[k].GetProperty("AP").GetDouble(), actual.AP, $"{name} category {actual.CategoryId} AP");
            AssertSame(expected[k].GetProperty("AP50").GetDouble(), actual.AP50, $"{name} category {actual.CategoryId} AP50");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_recall_array_equals_pycocotools(string name)
    {
        var f = CocoEvalFixture.Get(name);
        var acc = f.Result.Accumulation;
        var counts = f.Expected.GetProperty("counts").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal([acc.IouThresholds.Count, acc.RecallThresholds.Count, acc.CategoryIds.Count, acc.AreaRanges.Count, acc.MaxDetections.Count], counts);
        var expected = f.Expected.GetProperty("recall").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var i = 0;
        for (var t = 0; t < counts[0]; t++)
        for (var k = 0; k < counts[2]; k++)
        for (var a = 0; a < counts[3]; a++)
        for (var m = 0; m < counts[4]; m++)
        {
            AssertSame(expected[i++], acc.Recall(t, k, a, m), $"{name} recall[{t},{k},{a},{m}]");
        }
    }

    [Theory]
    [InlineData("ties")]
    public void The_full_precision_array_equals_pycocotools(string name)
    {
        var f = CocoEvalFixture.Get(name);
        var acc = f.Result.Accumulation;
        var (shape, expected) = CocoEvalFixture.ReadTable(f.Expected.GetProperty("precision"));
        Assert.Equal([10, 101, acc.CategoryIds.Count, 4, 3], shape);
        var i = 0;
        for (var t = 0; t < shape[0]; t++)
        for (var r = 0; r < shape[1]; r++)
        for (var k = 0; k < shape[2]; k++)
        for (var a = 0; a < shape[3]; a++)
        for (var m = 0; m < shape[4]; m++)
        {
            AssertSame(expected[i++], acc.Precision(t, r, k, a, m), $"{name} precision[{t},{r},{k},{a},{m}]");
        }
    }

    [Theory]
    [InlineData("mixed")]
    [InlineData("random")]
    public void Precision_at_all_areas_and_100_detections_equals_pycocotools(string name)
    {
        var f = CocoEvalFixture.Get(name);
        var acc = f.Result.Accumulation;
        var (shape, expected) = CocoEvalFixture.ReadTable(f.Expected.GetProperty("precision_all_area_max_dets"));
        Assert.Equal([10, 101, acc.CategoryIds.Count], shape);
        var i = 0;
        for (var t = 0; t < shape[0]; t++)
        for (var r = 0; r < shape[1]; r++)
        for (var k = 0; k < shape[2]; k++)
        {
            AssertSame(expected[i++], acc.Precision(t, r, k, 0, 2), $"{name} precision[{t},{r},{k},all,100]");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Format_prints_the_lines_pycocotools_prints(string name)
    {
        var f = CocoEvalFixture.Get(name);
        var expected = f.Expected.GetProperty("summary").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(expected, f.Result.Format().TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Default_thresholds_equal_numpy_linspace_bit_for_bit()
    {
        var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CocoEvalFixture.Folder, "params.json"))).RootElement;
        var p = CocoEvalParams.Default;
        Assert.Equal(json.GetProperty("iouThrs").EnumerateArray().Select(e => e.GetDouble()), p.IouThresholds);
        Assert.Equal(json.GetProperty("recThrs").EnumerateArray().Select(e => e.GetDouble()), p.RecallThresholds);
        Assert.Equal(json.GetProperty("maxDets").EnumerateArray().Select(e => e.GetInt32()), p.MaxDetections);
        Assert.Equal(json.GetProperty("areaRngLbl").EnumerateArray().Select(e => e.GetString()), p.AreaRanges.Select(r => r.Label));
        Assert.Equal(json.GetProperty("areaRng").EnumerateArray().Select(e => e[0].GetDouble()), p.AreaRanges.Select(r => r.Min));
        Assert.Equal(json.GetProperty("areaRng").EnumerateArray().Select(e => e[1].GetDouble()), p.AreaRanges.Select(r => r.Max));
    }

    [Fact]
    public void The_mixed_case_reports_categories_without_ground_truth_as_minus_one()
    {
        var f = CocoEvalFixture.Get("mixed");
        var byId = f.Result.PerCategory.ToDictionary(c => c.CategoryId);
        Assert.Equal(-1, byId[6].AP);   // crowd ground truth only
        Assert.Equal(-1, byId[7].AP);   // detections but no ground truth
        Assert.Equal(0, byId[5].AP);    // ground truth but no detections
        Assert.Equal(1, f.Result.UnknownCategoryDetections);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_in_memory_form_gives_the_same_numbers_as_the_files(string name)
    {
        var f = CocoEvalFixture.Get(name);
        var gt = RetinaSharp.Data.Coco.CocoFile.Load(f.GroundTruthPath);
        var results = RetinaSharp.Data.Coco.CocoResult.LoadList(f.DetectionsPath);
        Assert.Equal(f.Result.Stats, CocoEvaluator.Evaluate(gt, results).Stats);
    }

    [Theory]
    [InlineData("mixed")]
    [InlineData("random")]
    public void ToJson_writes_the_twelve_stats_and_per_category_AP(string name)
    {
        var f = CocoEvalFixture.Get(name);
        var json = JsonDocument.Parse(f.Result.ToJson()).RootElement;
        var keys = json.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal([.. CocoEvalResult.StatNames, "per_category"], keys);
        foreach (var stat in CocoEvalResult.StatNames)
        {
            AssertSame(f.Expected.GetProperty("stats").GetProperty(stat).GetDouble(), json.GetProperty(stat).GetDouble(), stat);
        }
        var expected = f.Expected.GetProperty("per_category").EnumerateArray().ToArray();
        var actual = json.GetProperty("per_category").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.Equal(["category_id", "name", "AP", "AP50"], actual[k].EnumerateObject().Select(p => p.Name));
            Assert.Equal(expected[k].GetProperty("category_id").GetInt64(), actual[k].GetProperty("category_id").GetInt64());
            Assert.Equal(expected[k].GetProperty("name").GetString(), actual[k].GetProperty("name").GetString());
            AssertSame(expected[k].GetProperty("AP").GetDouble(), actual[k].GetProperty("AP").GetDouble(), "AP");
            AssertSame(expected[k].GetProperty("AP50").GetDouble(), actual[k].GetProperty("AP50").GetDouble(), "AP50");
        }

        var path = Path.Combine(Path.GetTempPath(), $"coco-eval-{Guid.NewGuid():N}.json");
        try
        {
            f.Result.Save(path);
            Assert.Equal(f.Result.ToJson(), File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertSame(double expected, double actual, string what)
    {
        if (expected.Equals(actual)) return;
        Assert.Fail($"{what}: pycocotools {expected:R}, ours {actual:R} (difference {Math.Abs(expected - actual):R})");
    }
}
