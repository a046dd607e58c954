using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using RetinaSharp.Reporting;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Tests.Reporting;

/// <summary>The report folder: its files, the page's links, summary.json.</summary>
public sealed partial class EvaluationReportTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private EvaluationReport Write(EvaluationReportOptions? options = null)
    {
        var dataset = HandBuiltCase.Dataset();
        var detections = HandBuiltCase.Detections();
        return EvaluationReport.Write(_dir["report"], dataset, detections, HandBuiltCase.Evaluate(dataset, detections), HandBuiltCase.CategoryIdOf, options);
    }

    [Fact]
    public void Writes_every_file_and_the_page_links_only_files_that_exist()
    {
        _dir.Write("results.csv", "iteration,epoch,train_loss,AP,AP50\n10,1,0.9,0.1,0.2\n20,2,0.7,0.3,0.5\n");
        var report = Write(new EvaluationReportOptions
        {
            Extra = new Dictionary<string, JsonNode?> { ["weights"] = "model.safetensors", ["recipe"] = new JsonObject { ["lr"] = 0.01 } },
            ResultsCsv = _dir["results.csv"],
        });
        string[] expected =
        [
            "report.html", "summary.json", "per_class.csv", "confusion_matrix.csv", "confusion_matrix_normalized.csv", "confusion_matrix.svg",
            "confusion_matrix_normalized.svg", "PR_curve.svg", "F1_curve.svg", "P_curve.svg", "R_curve.svg", "labels_instances.svg", "labels_sizes.svg",
            "labels_aspect_ratios.svg", "labels_centres.svg", "results_ap.svg", "results_loss.svg", "gallery/image_1.png", "gallery/image_2.png",
        ];
        foreach (var file in expected)
        {
            Assert.Contains(file, report.Files);
            Assert.True(File.Exists(Path.Combine(report.Folder, file)), file);
        }
        Assert.All(report.Files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal)), f => XDocument.Load(Path.Combine(report.Folder, f)));

        var html = File.ReadAllText(report.HtmlPath);
        var links = Link().Matches(html).Select(m => m.Groups[1].Value).Distinct().ToList();
        foreach (var file in expected.Where(f => f != "report.html")) Assert.Contains(file, links);
        Assert.Contains("../results.csv", links);
        foreach (var link in links)
        {
            Assert.False(link.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(link), $"{link} is not relative");
            Assert.True(File.Exists(Path.Combine(report.Folder, Uri.UnescapeDataString(link))), $"{link} does not resolve");
        }
        Assert.Contains("model.safetensors", html);
        // The page is self-contained: no scripts, no style sheets or fonts from elsewhere.
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);

        var gallery = Imaging.ImageFile.Load(Path.Combine(report.Folder, "gallery", "image_1.png"));
        // Two 100-pixel images enlarged 4 times side by side under a header.
        Assert.Equal(2 * 400 + 8, gallery.Width);
        Assert.Equal(400 + 24, gallery.Height);
    }

    [Fact]
    public void Summary_has_the_coco_numbers_by_name_per_class_results_and_the_callers_additions()
    {
        Write(new EvaluationReportOptions { Extra = new Dictionary<string, JsonNode?> { ["training_seconds"] = 12.5, ["recipe"] = new JsonObject { ["lr"] = 0.01 } } });
        using var doc = JsonDocument.Parse(File.ReadAllText(_dir["report/summary.json"]));
        var root = doc.RootElement;
        string[] names = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"];
        foreach (var name in names) Assert.Equal(JsonValueKind.Number, root.GetProperty(name).ValueKind);
        Assert.Equal(127.0 / 202, root.GetProperty("AP50").GetDouble(), 12);
        Assert.Equal(0.9f, (float)root.GetProperty("confidence_threshold").GetDouble());
        Assert.Equal(0.25, root.GetProperty("score_threshold").GetDouble());
        Assert.Equal(4, root.GetProperty("instances").GetInt32());
        Assert.Equal(9, root.GetProperty("detections").GetInt32());
        var perClass = root.GetProperty("per_class");
        Assert.Equal(3, perClass.GetArrayLength());
        Assert.Equal("a", perClass[0].GetProperty("name").GetString());
        Assert.Equal(76.0 / 101, perClass[0].GetProperty("AP50").GetDouble(), 12);
        // c has no ground truth: its AP and recall do not exist.
        Assert.Equal(JsonValueKind.Null, perClass[2].GetProperty("AP").ValueKind);
        Assert.Equal(JsonValueKind.Null, perClass[2].GetProperty("recall").ValueKind);
        Assert.Equal(12.5, root.GetProperty("training_seconds").GetDouble());
        Assert.Equal(0.01, root.GetProperty("recipe").GetProperty("lr").GetDouble());
    }

    [Fact]
    public void An_addition_may_not_replace_a_number_of_the_report()
    {
        var e = Assert.Throws<ArgumentException>(() => Write(new EvaluationReportOptions { Extra = new Dictionary<string, JsonNode?> { ["AP"] = 1 } }));
        Assert.Contains("\"AP\"", e.Message);
    }

    [Fact]
    public void Without_detections_the_report_is_still_written()
    {
        var dataset = HandBuiltCase.Dataset();
        var none = new List<Structures.ImageDetections>();
        var report = EvaluationReport.Write(_dir["empty"], dataset, none, HandBuiltCase.Evaluate(dataset, none), HandBuiltCase.CategoryIdOf);
        Assert.True(double.IsNaN(report.Table.ConfidenceThreshold));
        Assert.Equal(0, report.Table.All.Recall);
        Assert.Equal(2, report.ConfusionMatrix[0, report.ConfusionMatrix.Background]);
        Assert.True(File.Exists(report.HtmlPath));
        Assert.All(report.Files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal)), f => XDocument.Load(Path.Combine(report.Folder, f)));
    }

    [GeneratedRegex("(?:href|src)=\"([^\"]+)\"")]
    private static partial Regex Link();
}
