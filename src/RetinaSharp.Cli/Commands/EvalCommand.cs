using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RetinaSharp.Evaluation;
using RetinaSharp.Reporting;

namespace RetinaSharp.Cli.Commands;

/// <summary>
/// retina eval: COCO box metrics. Two modes: score a results file against a ground-truth file
/// (--gt, --detections), or run a trained model over a data set first (--weights, --data).
/// </summary>
internal static class EvalCommand
{
    public const int Ok = 0;
    public const int BadInput = 1;
    public const int Unavailable = 2;

    public static Command Create()
    {
        var gt = new Option<string>("--gt") { Description = "COCO instances JSON holding the ground truth." };
        var detections = new Option<string>("--detections") { Description = "COCO results JSON: [{image_id, category_id, bbox: [x, y, w, h], score}]." };
        var json = new Option<string>("--json") { Description = "Also write the 12 numbers and per-category AP to this JSON file." };
        var weights = new Option<string>("--weights") { Description = "Trained model to run over --data before scoring: a file, or a published name such as retinanet_resnet50_fpn_coco (retina weights list)." };
        var data = new Option<string>("--data") { Description = "Data set to run the --weights model on: a COCO JSON, a VOC folder (test split) or a CSV." };
        var images = new Option<string>("--images") { Description = "Image folder of --data (default: the JSON's folder)." };
        var report = new Option<string>("--report") { Description = "With --weights: write a report folder (report.html, summary.json, per-class table, confusion matrix, curves, gallery) here." };

        var command = new Command("eval", "Evaluate detections with the COCO metrics (as pycocotools computes them).");
        command.Options.Add(gt);
        command.Options.Add(detections);
        command.Options.Add(json);
        command.Options.Add(weights);
        command.Options.Add(data);
        command.Options.Add(images);
        command.Options.Add(report);
        command.SetAction(pr =>
        {
            var weightsPath = pr.GetValue(weights);
            if (weightsPath is not null)
                return RunModel(weightsPath, pr.GetValue(data), pr.GetValue(images), pr.GetValue(json), Console.Out, Console.Error, pr.GetValue(report));
            if (pr.GetValue(report) is not null)
            {
                Console.Error.WriteLine("retina eval: --report needs --weights and --data (it looks at the detections themselves).");
                return BadInput;
            }
            return RunDetections(pr.GetValue(gt), pr.GetValue(detections), pr.GetValue(json), Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Mode 1: score an existing results file.</summary>
    internal static int RunDetections(string? gtPath, string? detectionsPath, string? jsonPath, TextWriter stdout, TextWriter stderr)
    {
        if (string.IsNullOrEmpty(gtPath) || string.IsNullOrEmpty(detectionsPath))
        {
            stderr.WriteLine("retina eval: give --gt COCO.json and --detections RESULTS.json (or --weights FILE --data DATASET).");
            return BadInput;
        }
        CocoEvalResult result;
        try
        {
            result = CocoEvaluator.EvaluateFiles(gtPath, detectionsPath);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            stderr.WriteLine($"retina eval: {e.Message}");
            return BadInput;
        }
        Report(result, detectionsPath, gtPath, stdout, stderr);
        return SaveJson(result, jsonPath, stdout, stderr);
    }

    /// <summary>
    /// Mode 2: run a trained model over a data set (100 detections per image, the COCO protocol),
    /// then score its detections and report them like mode 1; with <paramref name="reportPath"/>,
    /// also write the report folder there and print its per-class table.
    /// </summary>
    internal static int RunModel(string weightsPath, string? dataPath, string? imagesPath, string? jsonPath, TextWriter stdout, TextWriter stderr,
        string? reportPath = null)
    {
        if (string.IsNullOrEmpty(dataPath))
        {
            stderr.WriteLine("retina eval: --weights needs --data COCO.json (and --images DIR when the images are not beside it).");
            return BadInput;
        }
        try
        {
            var spec = new RetinaSharp.Data.DatasetSpec(dataPath) { Images = imagesPath, Split = "test" };
            // The data set is named first when it is missing: it is checked without loading a model.
            RetinaSharp.Data.DatasetFactory.DetectFormat(spec.Path);
            using var detector = RetinaNetDetector.Load(weightsPath);
            var samples = RetinaSharp.Data.DatasetFactory.Open(spec, ClassesFromCheckpoint(spec, detector));
            if (detector.CategoryIds == null && detector.Model.Config.NumClasses < samples.Classes.Count)
            {
                stderr.WriteLine($"retina eval: {weightsPath} predicts {detector.Model.Config.NumClasses} classes but {dataPath} has {samples.Classes.Count} categories.");
                return BadInput;
            }
            var (detections, result, seconds) = ReportWriter.Evaluate(detector, samples, stderr);
            Report(result, weightsPath, dataPath, stdout, stderr, perCategory: reportPath is null);
            if (reportPath is not null)
            {
                var written = EvaluationReport.Write(reportPath, samples, detections, result, ReportWriter.CategoryIdOf(detector, samples), new EvaluationReportOptions
                {
                    Title = $"Evaluation report: {Path.GetFileName(weightsPath)}",
                    Extra = new Dictionary<string, JsonNode?>
                    {
                        ["weights"] = weightsPath, ["data"] = samples.Source, ["evaluation_seconds"] = Math.Round(seconds, 1),
                    },
                });
                stdout.Write(written.Table.Format());
                stdout.WriteLine($"wrote {written.HtmlPath}");
            }
            return SaveJson(result, jsonPath, stdout, stderr);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or RetinaSharp.Imaging.InvalidImageException
                                   or RetinaSharp.Tensors.Serialization.CheckpointFormatException or RetinaSharp.Tensors.Nn.StateDictException)
        {
            stderr.WriteLine($"retina eval: {e.Message}");
            return BadInput;
        }
    }

    /// <summary>
    /// A CSV without a classes file and a VOC folder name their classes only by the objects they
    /// hold (or VOC's 20); a checkpoint that records its classes gives them instead, so a test set
    /// that lacks a class, or is not Pascal's, still lines up with the model's labels.
    /// </summary>
    private static RetinaSharp.Data.DatasetOptions? ClassesFromCheckpoint(RetinaSharp.Data.DatasetSpec spec, RetinaNetDetector detector)
    {
        if (detector.CategoryIds is null || detector.ClassNames.Count == 0) return null;
        var format = RetinaSharp.Data.DatasetFactory.DetectFormat(spec.Path);
        bool csvWithoutClasses = format == RetinaSharp.Data.DatasetFormat.Csv
            && !File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(spec.Path))!, "classes.csv"));
        if (format != RetinaSharp.Data.DatasetFormat.Voc && !csvWithoutClasses) return null;
        return RetinaSharp.Data.DatasetOptions.Default with { ClassNames = [.. detector.ClassNames] };
    }

    /// <summary>The pycocotools summary, then AP per category (left out where a fuller per-class table follows).</summary>
    internal static void Report(CocoEvalResult result, string detectionsSource, string groundTruthSource, TextWriter stdout, TextWriter stderr,
        bool perCategory = true)
    {
        if (result.UnknownCategoryDetections > 0)
        {
            stderr.WriteLine($"retina eval: note: {result.UnknownCategoryDetections} detections in {detectionsSource} have a category_id " +
                             $"that is not a category of {groundTruthSource}; they were not scored.");
        }
        stdout.Write(result.Format());
        stdout.WriteLine();
        if (perCategory) stdout.Write(FormatPerCategory(result));
    }

    internal static int SaveJson(CocoEvalResult result, string? jsonPath, TextWriter stdout, TextWriter stderr)
    {
        if (string.IsNullOrEmpty(jsonPath)) return Ok;
        try
        {
            result.Save(jsonPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"retina eval: cannot write {jsonPath}: {e.Message}");
            return BadInput;
        }
        stdout.WriteLine($"wrote {jsonPath}");
        return Ok;
    }

    /// <summary>A plain-text table: category id, name, AP@[.50:.95] and AP50; "-" where a category has no ground truth.</summary>
    internal static string FormatPerCategory(CocoEvalResult result)
    {
        var nameWidth = "name".Length;
        foreach (var c in result.PerCategory) nameWidth = Math.Max(nameWidth, c.Name.Length);
        var text = new StringBuilder();
        text.Append("category_id".PadLeft(11)).Append("  ").Append("name".PadRight(nameWidth)).Append("      AP    AP50\n");
        foreach (var c in result.PerCategory)
        {
            text.Append(c.CategoryId.ToString(CultureInfo.InvariantCulture).PadLeft(11)).Append("  ")
                .Append(c.Name.PadRight(nameWidth))
                .Append(Cell(c.AP)).Append(Cell(c.AP50)).Append('\n');
        }
        return text.ToString();
    }

    private static string Cell(double value) =>
        (value < 0 ? "-" : value.ToString("F3", CultureInfo.InvariantCulture)).PadLeft(8);
}
