using System.Globalization;
using RetinaSharp.Data;
using RetinaSharp.Evaluation;
using RetinaSharp.Structures;

namespace RetinaSharp.Reporting;

/// <summary>
/// A folder a person can read after an evaluation, laid out as ultralytics and detectron2 users
/// expect: report.html linking everything, summary.json, per_class.csv, the confusion matrix
/// (CSV and SVG, counts and row-normalised), precision–recall and F1/precision/recall–confidence
/// curves, an overview of the ground truth, and a gallery of ground truth beside predictions.
/// </summary>
public sealed class EvaluationReport
{
    private EvaluationReport(string folder, PerClassTable table, ConfusionMatrix matrix, PrecisionRecallAnalysis analysis, IReadOnlyList<string> files)
    {
        Folder = folder;
        Table = table;
        ConfusionMatrix = matrix;
        Analysis = analysis;
        Files = files;
    }

    public const string HtmlFileName = "report.html";
    public const string SummaryFileName = "summary.json";

    public string Folder { get; }
    public string HtmlPath => Path.Combine(Folder, HtmlFileName);
    public PerClassTable Table { get; }
    public ConfusionMatrix ConfusionMatrix { get; }
    public PrecisionRecallAnalysis Analysis { get; }

    /// <summary>Every file written, relative to <see cref="Folder"/>, with '/' separators.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>
    /// Writes the report of <paramref name="detections"/> on <paramref name="dataset"/> into
    /// <paramref name="folder"/> (created; files of an earlier report there are replaced).
    /// </summary>
    /// <param name="detections">Detections per image, e.g. from <see cref="DetectorEvaluation.Predict"/> with COCO's 100 per image.</param>
    /// <param name="result">The COCO metrics of the same detections (<see cref="CocoEvaluator.Evaluate(Data.Coco.CocoFile, IReadOnlyList{Data.Coco.CocoResult}, CocoEvalParams)"/>).</param>
    /// <param name="categoryIdOf">The category id of a detection's label, as given to <see cref="Data.Coco.CocoResultsWriter.ToResults"/>.</param>
    public static EvaluationReport Write(string folder, IDetectionDataset dataset, IReadOnlyList<ImageDetections> detections, CocoEvalResult result,
        Func<int, long> categoryIdOf, EvaluationReportOptions? options = null)
    {
        options ??= new EvaluationReportOptions();
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        void Save(string name, string text)
        {
            AtomicFile.WriteAllText(Path.Combine(folder, name), text);
            files.Add(name);
        }

        var names = dataset.Classes.Select(c => c.Name).ToList();
        var images = AlignedImage.Align(dataset, detections, categoryIdOf);
        var matrix = ConfusionMatrix.Compute(images, names, options.ScoreThreshold, options.IouThreshold);
        var analysis = PrecisionRecallAnalysis.Compute(images, names, options.IouThreshold);
        int imagesWithBoxes = images.Count(i => i.Truth.Boxes.Length > 0);
        int detectionCount = images.Sum(i => i.Detections.Length);
        var table = PerClassTable.Create(analysis, result, dataset.Classes, imagesWithBoxes);

        Save("per_class.csv", table.ToCsv());
        Save("confusion_matrix.csv", matrix.ToCsv());
        Save("confusion_matrix_normalized.csv", matrix.ToCsv(normalized: true));
        Save("confusion_matrix.svg", matrix.ToSvg());
        Save("confusion_matrix_normalized.svg", matrix.ToSvg(normalized: true));
        Save("PR_curve.svg", CurveCharts.PrecisionRecall(analysis, table));
        Save("F1_curve.svg", CurveCharts.F1(analysis));
        Save("P_curve.svg", CurveCharts.Precision(analysis));
        Save("R_curve.svg", CurveCharts.Recall(analysis));
        var labels = LabelsOverview.Compute(dataset);
        Save("labels_instances.svg", labels.InstancesChart());
        Save("labels_sizes.svg", labels.SizeChart());
        Save("labels_aspect_ratios.svg", labels.AspectRatioChart());
        Save("labels_centres.svg", labels.CentreChart());
        var training = new List<string>();
        if (options.ResultsCsv is { } csv && File.Exists(csv))
            foreach (var (name, svg) in ResultsCsvCharts.Render(csv))
            {
                Save(name, svg);
                training.Add(name);
            }
        var galleryFolder = Path.Combine(folder, "gallery");
        if (Directory.Exists(galleryFolder))
            foreach (var old in Directory.EnumerateFiles(galleryFolder, "image_*.png")) File.Delete(old);
        var gallery = ValidationGallery.Write(galleryFolder, dataset, images, options.GalleryImages, options.ScoreThreshold)
            .Select(n => "gallery/" + n).ToList();
        files.AddRange(gallery);
        ReportSummary.Write(Path.Combine(folder, SummaryFileName), result, table, matrix, images.Count, detectionCount, options.Extra);
        files.Add(SummaryFileName);

        var page = new ReportPage();
        page.Heading(options.Title, string.Create(CultureInfo.InvariantCulture,
            $"{dataset.Source}: {images.Count} images, {table.All.Instances} boxes in {dataset.Classes.Count} classes, {detectionCount} detections."));
        page.Section("COCO metrics", "AP averaged over IoU 0.50:0.95 unless named; s/m/l: boxes under 32², up to 96², above 96² pixels; AR at 1, 10 and 100 detections per image. A dash: no ground truth of that size.");
        page.Metrics(result);
        page.Section("Per class", double.IsNaN(table.ConfidenceThreshold)
            ? "No detections."
            : FormattableString.Invariant($"Precision, recall and F1 at IoU {options.IouThreshold:0.##} for detections scoring at least {table.ConfidenceThreshold:0.###}, the confidence with the best F1 averaged over classes; AP50 and AP are COCO's."));
        page.PerClass(table);
        page.Links([("per-class table (CSV)", "per_class.csv"), ("summary (JSON)", SummaryFileName)]);
        page.Section("Curves", "One line per class; the bold line is the mean over classes with ground truth. Precision–recall is interpolated as COCO does.");
        page.Figures([("PR_curve.svg", "precision–recall"), ("F1_curve.svg", "F1–confidence"), ("P_curve.svg", "precision–confidence"), ("R_curve.svg", "recall–confidence")]);
        page.Section("Confusion matrix", FormattableString.Invariant(
            $"Detections scoring at least {options.ScoreThreshold:0.##}, matched to boxes of any class at IoU {options.IouThreshold:0.##} (best IoU first). Background column: boxes no detection found; background row: detections that found no box. Ignore regions are not counted."));
        page.Figures([("confusion_matrix_normalized.svg", "row-normalised"), ("confusion_matrix.svg", "counts")]);
        page.Links([("counts (CSV)", "confusion_matrix.csv"), ("row-normalised (CSV)", "confusion_matrix_normalized.csv")]);
        if (training.Count > 0 && options.ResultsCsv is { } resultsCsv)
        {
            page.Section("Training", "One point per evaluation during training.");
            page.Figures(training.Select(t => (t, t == "results_ap.svg" ? "validation AP" : "losses")));
            page.Links([("results (CSV)", Path.GetRelativePath(folder, resultsCsv))]);
        }
        page.Section("Ground truth", "The boxes of the evaluated set, ignore regions left out.");
        page.Figures([("labels_instances.svg", "boxes per class"), ("labels_sizes.svg", "box sizes"), ("labels_aspect_ratios.svg", "aspect ratios"), ("labels_centres.svg", "box centres")]);
        if (gallery.Count > 0)
        {
            page.Section("Gallery", FormattableString.Invariant($"Ground truth (left) and detections scoring at least {options.ScoreThreshold:0.##} (right)."));
            page.Gallery(gallery);
        }
        if (options.Extra.Count > 0)
        {
            page.Section("Run");
            page.Extra(options.Extra);
        }
        Save(HtmlFileName, page.Render(options.Title));
        return new EvaluationReport(folder, table, matrix, analysis, files);
    }
}
