using RetinaSharp.Data.Coco;
using RetinaSharp.Evaluation;
using Xunit;
using RetinaSharp.Testing;

namespace RetinaSharp.Tests.Evaluation;

/// <summary>Bad input must stop the evaluation with a message naming the file and the item.</summary>
public sealed class CocoEvalInputTests : IDisposable
{
    private const string GroundTruthJson = """
        {"images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 100}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0}],
         "categories": [{"id": 1, "name": "thing"}]}
        """;

    private readonly TempDir _temp = new();

    private string _folder => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var gt = Write("gt.json", GroundTruthJson);
        var missing = Path.Combine(_folder, "nope.json");
        var e = Assert.Throws<FileNotFoundException>(() => CocoEvaluator.EvaluateFiles(gt, missing));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void A_JSON_syntax_error_names_the_file_and_line()
    {
        var gt = Write("gt.json", GroundTruthJson);
        var dets = Write("dets.json", "[{\"image_id\": 1, \"category_id\": 1,\n \"bbox\": [0, 0, 10, 10] \"score\": 0.5}]");
        var e = Assert.Throws<InvalidDataException>(() => CocoEvaluator.EvaluateFiles(gt, dets));
        Assert.Contains(dets, e.Message);
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void A_result_for_an_unknown_image_names_the_result_and_the_image()
    {
        var gt = Write("gt.json", GroundTruthJson);
        var dets = Write("dets.json", """
            [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.5},
             {"image_id": 7, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.4}]
            """);
        var e = Assert.Throws<InvalidDataException>(() => CocoEvaluator.EvaluateFiles(gt, dets));
        Assert.StartsWith(dets + ": results[1]", e.Message);
        Assert.Contains("image_id 7", e.Message);
        Assert.Contains(gt, e.Message);
    }

    [Theory]
    [InlineData("[0, 0, 10]", "found 3")]
    [InlineData("[0, 0, 10, 10, 5]", "found 5")]
    [InlineData("[]", "found 0")]
    [InlineData("null", "found 0")]
    public void A_result_bbox_that_is_not_4_numbers_is_named(string bbox, string found)
    {
        var gt = Write("gt.json", GroundTruthJson);
        var dets = Write("dets.json", $$"""[{"image_id": 1, "category_id": 1, "bbox": {{bbox}}, "score": 0.5}]""");
        var e = Assert.Throws<InvalidDataException>(() => CocoEvaluator.EvaluateFiles(gt, dets));
        Assert.StartsWith(dets + ": results[0]", e.Message);
        Assert.Contains("bbox must hold 4 numbers", e.Message);
        Assert.Contains(found, e.Message);
    }

    [Fact]
    public void A_bbox_holding_text_is_a_JSON_error_of_the_file()
    {
        var gt = Write("gt.json", GroundTruthJson);
        var dets = Write("dets.json", """[{"image_id": 1, "category_id": 1, "bbox": [0, "x", 10, 10], "score": 0.5}]""");
        var e = Assert.Throws<InvalidDataException>(() => CocoEvaluator.EvaluateFiles(gt, dets));
        Assert.StartsWith(dets + ":", e.Message);
    }

    [Fact]
    public void A_results_file_that_is_not_a_list_is_named()
    {
        var gt = Write("gt.json", GroundTruthJson);
        var e = Assert.Throws<InvalidDataException>(() => CocoEvaluator.EvaluateFiles(gt, gt));
        Assert.StartsWith(gt + ":", e.Message);
    }

    [Fact]
    public void A_ground_truth_bbox_that_is_not_4_numbers_names_the_annotation()
    {
        var gt = Write("gt.json", GroundTruthJson.Replace("[0, 0, 10, 10]", "[0, 0, 10]"));
        var dets = Write("dets.json", "[]");
        var e = Assert.Throws<InvalidDataException>(() => CocoEvaluator.EvaluateFiles(gt, dets));
        Assert.StartsWith(gt + ": annotations[0] (id 1)", e.Message);
    }

    [Fact]
    public void In_memory_detections_must_be_finite()
    {
        var gt = CocoFile.Load(Write("gt.json", GroundTruthJson));
        var e = Assert.Throws<InvalidDataException>(() => CocoEvaluator.Evaluate(gt, [new CocoResult { ImageId = 1, CategoryId = 1, Bbox = [0, 0, 10, 10], Score = double.NaN }]));
        Assert.Contains("results[0]", e.Message);
    }

    [Fact]
    public void Detections_of_unknown_categories_are_counted_and_left_out()
    {
        var gt = Write("gt.json", GroundTruthJson);
        var dets = Write("dets.json", """
            [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.5},
             {"image_id": 1, "category_id": 9, "bbox": [0, 0, 10, 10], "score": 0.9}]
            """);
        var r = CocoEvaluator.EvaluateFiles(gt, dets);
        Assert.Equal(1, r.UnknownCategoryDetections);
        Assert.Equal(1.0, r.AP50, 12);
    }
}
