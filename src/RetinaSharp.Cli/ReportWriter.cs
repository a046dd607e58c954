using System.Diagnostics;
using System.Text.Json.Nodes;
using RetinaSharp.Data;
using RetinaSharp.Evaluation;
using RetinaSharp.Reporting;
using RetinaSharp.Training;
using RetinaSharp.Training.Hooks;

namespace RetinaSharp.Cli;

/// <summary>The evaluation report of `retina eval --report` and of the end of `retina train`: run the model, score it, write the folder.</summary>
internal static class ReportWriter
{
    /// <summary>Runs <paramref name="detector"/> over <paramref name="dataset"/> (COCO's 100 detections per image) and scores the detections.</summary>
    public static (List<Structures.ImageDetections> Detections, CocoEvalResult Result, double Seconds) Evaluate(RetinaNetDetector detector, IDetectionDataset dataset,
        TextWriter progress)
    {
        var clock = Stopwatch.StartNew();
        var lines = new LineProgress(progress, dataset.Count, "images");
        var gate = new Lock();
        var (detections, result) = DetectorEvaluation.PredictAndEvaluate(detector.Model, dataset,
            progress: new Progress<int>(n => { lock (gate) lines.Report(n); }),
            categoryIdOf: CategoryIdOf(detector, dataset));
        lock (gate) lines.Finish();
        return (detections, result, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The data set's category id for a detector's label: by class name when every class of the
    /// checkpoint is in the data set (a CSV or VOC set numbers its classes itself, so ids alone may
    /// disagree), else the checkpoint's ids, else the data set's own (the model was trained on it).
    /// </summary>
    public static Func<int, long> CategoryIdOf(RetinaNetDetector detector, IDetectionDataset dataset)
    {
        if (detector.CategoryIds != null)
        {
            var byName = new long[detector.ClassNames.Count];
            bool all = byName.Length > 0;
            for (int i = 0; i < byName.Length && all; i++)
            {
                if (dataset.Classes.TryGetLabelByName(detector.ClassNames[i], out int label)) byName[i] = dataset.Classes.CategoryIdOf(label);
                else all = false;
            }
            if (all) return label => label < byName.Length ? byName[label] : detector.CategoryIdOf(label);
            return detector.CategoryIdOf;
        }
        return label => dataset.Classes[label].CategoryId;
    }

    /// <summary>
    /// After training with a validation set: the report of best.safetensors (else the last
    /// checkpoint) in &lt;out&gt;/report, with the recipe, the run's times and its results.csv.
    /// A report that cannot be written is a warning: the training itself went well, and its
    /// checkpoints are there.
    /// </summary>
    public static EvaluationReport? AfterTraining(TrainingResult run, TrainingOptions options, IDetectionDataset train, IDetectionDataset val, string outputDirectory,
        TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return WriteTrainingReport(run, options, train, val, outputDirectory, stdout, stderr);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or Imaging.InvalidImageException)
        {
            stderr.WriteLine($"retina train: warning: the report was not written: {e.Message}");
            return null;
        }
    }

    private static EvaluationReport WriteTrainingReport(TrainingResult run, TrainingOptions options, IDetectionDataset train, IDetectionDataset val, string outputDirectory,
        TextWriter stdout, TextWriter stderr)
    {
        var weights = run.BestCheckpoint ?? run.LastCheckpoint;
        stdout.WriteLine($"Evaluating {weights} on {val.Source} for the report…");
        using var detector = RetinaNetDetector.Load(weights);
        var (detections, result, seconds) = Evaluate(detector, val, stderr);
        var extra = new Dictionary<string, JsonNode?>
        {
            ["weights"] = weights,
            ["train_data"] = train.Source,
            ["val_data"] = val.Source,
            ["iterations"] = run.Iterations,
            ["stop_reason"] = run.StopReason.ToString(),
            ["training_seconds"] = Math.Round(run.Elapsed.TotalSeconds, 1),
            ["evaluation_seconds"] = Math.Round(seconds, 1),
            ["recipe"] = JsonNode.Parse(options.ToJson()),
        };
        var report = EvaluationReport.Write(Path.Combine(outputDirectory, "report"), val, detections, result, CategoryIdOf(detector, val),
            new EvaluationReportOptions
            {
                Title = $"Training report: {Path.GetFileName(Path.GetFullPath(outputDirectory))}",
                Extra = extra,
                ResultsCsv = ResultsCsvHook.PathIn(outputDirectory),
            });
        stdout.Write(report.Table.Format());
        stdout.WriteLine($"Report: {report.HtmlPath}");
        return report;
    }

    /// <summary>Whether a run ended in a state worth a report: it trained to its end, its time budget or its early stop.</summary>
    public static bool WantsReport(TrainingResult run) => run.StopReason is StopReason.Completed or StopReason.TimeBudget or StopReason.EarlyStopped;
}
