using System.Text.Json;
using RetinaSharp.Cli.Commands;
using Xunit;
using RetinaSharp.Testing;

namespace RetinaSharp.Cli.Tests;

/// <summary>retina eval's exit codes, messages and outputs, called in-process.</summary>
public sealed class EvalCommandTests : IDisposable
{
    // One medium object found exactly, one small object missed: over all sizes precision is 1 up to
    // recall 1/2 and 0 beyond, so AP = 51/101 at every IoU; APm is 1, APs 0, APl has no object.
    private const string GroundTruthJson = """
        {"images": [{"id": 4, "file_name": "a.jpg", "width": 200, "height": 200}],
         "annotations": [{"id": 1, "image_id": 4, "category_id": 3, "bbox": [10, 10, 50, 50], "area": 2500, "iscrowd": 0},
                         {"id": 2, "image_id": 4, "category_id": 3, "bbox": [150, 150, 10, 10], "area": 100, "iscrowd": 0}],
         "categories": [{"id": 3, "name": "box"}, {"id": 8, "name": "unseen"}]}
        """;

    private const string DetectionsJson = """[{"image_id": 4, "category_id": 3, "bbox": [10, 10, 50, 50], "score": 0.9}]""";

    private readonly TempDir _temp = new();

    private string _folder => _temp.Path;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Scores_a_results_file_and_writes_the_json()
    {
        var json = Path.Combine(_folder, "out", "metrics.json");
        var code = EvalCommand.RunDetections(Write("gt.json", GroundTruthJson), Write("dets.json", DetectionsJson), json, _out, _err);

        Assert.Equal(EvalCommand.Ok, code);
        Assert.Equal("", _err.ToString());
        var lines = _out.ToString().Split('\n');
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.505", lines[1]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.000", lines[3]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = 1.000", lines[4]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000", lines[5]);
        Assert.Contains("          3  box      0.505   0.505", lines);
        Assert.Contains("          8  unseen       -       -", lines);

        var written = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.Equal(51.0 / 101, written.GetProperty("AP50").GetDouble(), 12);
        Assert.Equal(-1, written.GetProperty("APl").GetDouble());
        Assert.Equal(2, written.GetProperty("per_category").GetArrayLength());
    }

    [Fact]
    public void A_missing_file_exits_1_naming_it()
    {
        var missing = Path.Combine(_folder, "missing.json");
        var code = EvalCommand.RunDetections(Write("gt.json", GroundTruthJson), missing, null, _out, _err);
        Assert.Equal(EvalCommand.BadInput, code);
        Assert.Contains(missing, _err.ToString());
        Assert.Equal("", _out.ToString());
    }

    [Fact]
    public void A_result_for_an_unknown_image_exits_1_naming_the_result()
    {
        var dets = Write("dets.json", """[{"image_id": 5, "category_id": 3, "bbox": [10, 10, 50, 50], "score": 0.9}]""");
        var code = EvalCommand.RunDetections(Write("gt.json", GroundTruthJson), dets, null, _out, _err);
        Assert.Equal(EvalCommand.BadInput, code);
        Assert.Contains($"{dets}: results[0]: image_id 5", _err.ToString());
    }

    [Fact]
    public void A_bbox_of_three_numbers_exits_1_naming_the_result()
    {
        var dets = Write("dets.json", """[{"image_id": 4, "category_id": 3, "bbox": [10, 10, 50], "score": 0.9}]""");
        var code = EvalCommand.RunDetections(Write("gt.json", GroundTruthJson), dets, null, _out, _err);
        Assert.Equal(EvalCommand.BadInput, code);
        Assert.Contains($"{dets}: results[0]", _err.ToString());
        Assert.Contains("bbox must hold 4 numbers", _err.ToString());
    }

    [Fact]
    public void A_JSON_syntax_error_exits_1_naming_the_file()
    {
        var gt = Write("gt.json", GroundTruthJson.Replace("\"iscrowd\": 0}", "\"iscrowd\": 0,}"));
        var code = EvalCommand.RunDetections(gt, Write("dets.json", DetectionsJson), null, _out, _err);
        Assert.Equal(EvalCommand.BadInput, code);
        Assert.Contains($"{gt}: invalid COCO JSON", _err.ToString());
    }

    [Fact]
    public void Without_gt_and_detections_it_exits_1_with_usage()
    {
        Assert.Equal(EvalCommand.BadInput, EvalCommand.RunDetections(null, null, null, _out, _err));
        Assert.Contains("--gt", _err.ToString());
    }

    [Fact]
    public void The_model_mode_names_missing_inputs()
    {
        Assert.Equal(EvalCommand.BadInput, EvalCommand.RunModel("model.pth", null, null, null, _out, _err));
        Assert.Contains("--data", _err.ToString());
        Assert.Equal(EvalCommand.BadInput, EvalCommand.RunModel("missing-model.pth", "missing-data.json", null, null, _out, _err));
        Assert.Contains("missing-data.json", _err.ToString());
    }

    [Fact]
    public void The_command_line_parses_both_modes()
    {
        var command = EvalCommand.Create();
        Assert.Empty(command.Parse(["--gt", "a.json", "--detections", "b.json", "--json", "c.json"]).Errors);
        Assert.Empty(command.Parse(["--weights", "m.pth", "--data", "d"]).Errors);
        Assert.NotEmpty(command.Parse(["--bogus"]).Errors);
    }
}
