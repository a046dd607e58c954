using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Synthetic;
using RetinaSharp.Evaluation;
using RetinaSharp.Training;

namespace RetinaSharp.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "Folder for the data set, checkpoints and report.", DefaultValueFactory = _ => "retina-demo" };
        var seed = new Option<ulong>("--seed") { Description = "Seed for data, initialisation and training order.", DefaultValueFactory = _ => 0 };
        var quick = new Option<bool>("--quick") { Description = "A small, fast version (a smoke test, not a meaningful model)." };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("demo", "Make the synthetic data set, train a small RetinaNet from scratch, evaluate it and draw detections.")
            { outDir, seed, quick, threads };
        command.SetAction(pr => CliErrors.Run("demo", () => Run(pr.GetValue(outDir)!, pr.GetValue(seed), pr.GetValue(quick), pr.GetValue(threads))));
        return command;
    }

    public static int Run(string outDir, ulong seed, bool quick, int threads)
    {
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        var dataDir = Path.Combine(outDir, "data");
        Console.WriteLine($"[1/4] Synthetic data set ({(quick ? "quick" : "easy, 256 px")}) in {dataDir}");
        var synthOptions = new SyntheticOptions { Seed = seed, TrainImages = quick ? 64 : 2000, ValImages = quick ? 16 : 200 };
        var summary = SyntheticDataset.Generate(synthOptions, dataDir);
        Console.WriteLine($"      {summary.Train.Images} train and {summary.Val.Images} val images, {summary.CategoryNames.Count} classes, {summary.Elapsed.TotalSeconds:F1} s");

        var train = CocoDetectionDataset.Open(Path.Combine(dataDir, "train.json"), Path.Combine(dataDir, "train"));
        var val = CocoDetectionDataset.Open(Path.Combine(dataDir, "val.json"), Path.Combine(dataDir, "val"));
        var options = TrainingRecipes.Demo(train.Classes.Count, quick, seed) with { Threads = threads };
        var runDir = Path.Combine(outDir, "run");
        Console.WriteLine($"[2/4] Training {options.Model.Backbone} (width {options.Model.BackboneWidth}, {options.Model.BackboneNorm}) for up to {options.Iterations} steps of {options.ImagesPerStep} images, at most {options.TimeBudgetSeconds:F0} s");
        var observer = new ConsoleTrainingObserver();
        var trainer = new Trainer(options, train, runDir) { Observer = observer };
        observer.Start(options.Iterations);
        TrainingResult result;
        using (observer) result = trainer.Run();
        Console.WriteLine($"      {result.Iterations} steps in {result.Elapsed.TotalMinutes:F1} min ({trainer.StopMessage})");

        Console.WriteLine("[3/4] Evaluating on the validation set (COCO metrics)");
        using var detector = RetinaNetDetector.Load(result.LastCheckpoint);
        var evalResult = DetectorEvaluation.Evaluate(detector.Model, val);
        Console.WriteLine(evalResult.Format());
        evalResult.Save(Path.Combine(outDir, "metrics.json"));

        Console.WriteLine("[4/4] Drawing detections and writing the report");
        var report = DemoReport.Write(outDir, detector, val, evalResult, options, result, total.Elapsed);
        var stats = DetectorEvaluation.ToDictionary(evalResult);
        var summaryJson = new Dictionary<string, object>
        {
            ["metrics"] = stats,
            ["train_seconds"] = result.Elapsed.TotalSeconds,
            ["total_seconds"] = total.Elapsed.TotalSeconds,
            ["iterations"] = result.Iterations,
            ["stop_reason"] = result.StopReason.ToString(),
            ["checkpoint"] = Path.GetFullPath(result.LastCheckpoint),
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "summary.json"), JsonSerializer.Serialize(summaryJson, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Done in {total.Elapsed.TotalMinutes:F1} min: AP {evalResult.AP:F3}, AP50 {evalResult.AP50:F3}. Report: {report}");
        return 0;
    }
}
