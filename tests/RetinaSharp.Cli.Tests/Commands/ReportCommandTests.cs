using System.Diagnostics;
using RetinaSharp.Checkpoints;
using RetinaSharp.Cli.Commands;
using RetinaSharp.Data.Synthetic;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Tensors;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Cli.Tests.Commands;

/// <summary>The report folder from `retina eval --report` and at the end of `retina train --val`.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>An untrained model (class prior raised so it reports boxes) and a two-image COCO set of its categories.</summary>
    private (string Weights, string Data, string Images) ModelAndData()
    {
        var config = new RetinaNetConfig
        {
            Backbone = "resnet18", BackboneWidth = 1.0 / 8, BackboneNorm = NormKind.FrozenBatchNorm, NumClasses = 3,
            FpnChannels = 16, HeadDepth = 1, AnchorSizes = [8, 16, 32, 64, 128], MinSize = 64, MaxSize = 96,
        };
        var weights = _temp["model.safetensors"];
        using (var model = new RetinaNet(config, seed: 2))
        {
            model.Head.ClassificationHead.NamedParameters().First(p => p.Name == "cls_logits.bias").Parameter.Fill(1f);
            Checkpoint.Save(weights, model, null, new CheckpointMetadata { ClassNames = ["circle", "square", "star"], CategoryIds = [1, 2, 7] });
        }
        var images = _temp["images"];
        Directory.CreateDirectory(images);
        var rng = new RandomGenerator(9);
        foreach (var name in new[] { "a.png", "b.png" })
        {
            var img = new RgbImage(80, 60);
            for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)rng.NextInt(256);
            ImageFile.SavePng(Path.Combine(images, name), img);
        }
        var data = _temp.Write("val.json", """
            {"images": [{"id": 1, "file_name": "a.png", "width": 80, "height": 60}, {"id": 2, "file_name": "b.png", "width": 80, "height": 60}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 30, 20], "area": 600, "iscrowd": 0},
                             {"id": 2, "image_id": 2, "category_id": 7, "bbox": [40, 5, 30, 40], "area": 1200, "iscrowd": 0}],
             "categories": [{"id": 1, "name": "circle"}, {"id": 2, "name": "square"}, {"id": 7, "name": "star"}]}
            """);
        return (weights, data, images);
    }

    [Fact]
    public void Eval_with_report_writes_the_folder_and_prints_the_per_class_table()
    {
        var (weights, data, images) = ModelAndData();
        var report = _temp["report"];
        Assert.Equal(EvalCommand.Ok, EvalCommand.RunModel(weights, data, images, null, _out, _err, report));
        var stdout = _out.ToString();
        Assert.Contains("Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]", stdout);
        Assert.Contains("class   images  instances      P      R     F1   AP50     AP", stdout);
        Assert.Contains("\nstar         1          1", stdout);
        // The fuller table takes the place of the AP-only one.
        Assert.DoesNotContain("category_id", stdout);
        foreach (var file in new[] { "report.html", "summary.json", "per_class.csv", "confusion_matrix.csv", "PR_curve.svg", "gallery/image_1.png" })
            Assert.True(File.Exists(Path.Combine(report, file)), file);
        Assert.Contains(weights, File.ReadAllText(Path.Combine(report, "summary.json")).Replace("\\\\", "\\", StringComparison.Ordinal));
    }

    [Fact]
    public void A_csv_without_a_classes_file_is_scored_with_the_checkpoint_classes()
    {
        // A CSV that names only two of the model's three classes: read alone it would have the
        // classes circle and star, and the model's square detections would be scored as stars.
        var (weights, _, images) = ModelAndData();
        var csv = Path.Combine(images, "val.csv");
        File.WriteAllText(csv, "a.png,10,10,40,30,circle\nb.png,40,5,70,45,star\n");
        Assert.Equal(EvalCommand.Ok, EvalCommand.RunModel(weights, csv, null, _temp["csv.json"], _out, _err));
        var perCategory = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_temp["csv.json"]))!["per_category"]!.AsArray();
        Assert.Equal(["circle", "square", "star"], perCategory.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(-1, perCategory[1]!["AP"]!.GetValue<double>()); // no square in the ground truth
    }

    [Fact]
    public void Detector_labels_map_to_the_data_set_categories_by_name()
    {
        var (weights, _, images) = ModelAndData();
        File.WriteAllText(Path.Combine(images, "classes.csv"), "star,5\ncircle,9\nsquare,3\n");
        var csv = Path.Combine(images, "val.csv");
        File.WriteAllText(csv, "a.png,10,10,40,30,circle\n");
        var data = RetinaSharp.Data.DatasetFactory.Open(new RetinaSharp.Data.DatasetSpec(csv));
        using var detector = RetinaNetDetector.Load(weights);
        var categoryOf = ReportWriter.CategoryIdOf(detector, data);
        // The checkpoint's labels are circle, square, star (its own ids 1, 2, 7); the CSV's ids win, matched by name.
        Assert.Equal([9L, 3L, 5L], new[] { categoryOf(0), categoryOf(1), categoryOf(2) });
    }

    [Fact]
    public void Report_without_a_model_is_refused()
    {
        var root = new System.CommandLine.RootCommand { EvalCommand.Create() };
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(EvalCommand.BadInput, root.Parse(["eval", "--gt", "g.json", "--detections", "d.json", "--report", "r"]).Invoke());
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.Contains("--report needs --weights", error.ToString());
    }

    [Fact]
    public async Task Training_with_a_validation_set_writes_results_csv_and_the_report()
    {
        var data = _temp["data"];
        SyntheticDataset.Generate(new SyntheticOptions { Seed = 1, TrainImages = 4, ValImages = 2, Settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy, 64) }, data);
        var run = _temp["run"];
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "retina.dll"), "train", "--data", Path.Combine(data, "train.json"), "--images", Path.Combine(data, "train"),
            "--val", Path.Combine(data, "val.json"), "--val-images", Path.Combine(data, "val"),
            "--out", run, "--arch", "resnet18", "--width", "0.125", "--norm", "GroupNorm", "--trainable-layers", "5", "--batch", "2",
            "--iterations", "2", "--eval-every", "1", "--min-size", "64", "--max-size", "64", "--optimizer", "adamw", "--lr", "0.001", "--threads", "1",
            "--checkpoint-every", "0",
        }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(300))) await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {await stderr}\n{output}");
        var rows = File.ReadAllLines(Path.Combine(run, "results.csv"));
        // Header, then the evaluations at 1 and 2 (2 images a step over 4: half an epoch a step).
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("iteration,epoch,train_loss,", rows[0]);
        Assert.StartsWith("1,0.5,", rows[1]);
        Assert.StartsWith("2,1,", rows[2]);
        var html = File.ReadAllText(Path.Combine(run, "report", "report.html"));
        Assert.Contains("href=\"../results.csv\"", html);
        Assert.Contains("results_ap.svg", html);
        Assert.Contains("best.safetensors", File.ReadAllText(Path.Combine(run, "report", "summary.json")));
        Assert.Contains("class", output);
        Assert.Contains(Path.Combine(run, "report", "report.html"), output);
    }
}
