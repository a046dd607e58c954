using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Synthetic;
using RetinaSharp.Evaluation;
using RetinaSharp.Models;
using RetinaSharp.Reporting;
using RetinaSharp.Training;

namespace RetinaSharp.Cli.Commands;

/// <summary>One training run of a study: a label, the x value it is plotted at, and how it changes the demo recipe.</summary>
internal sealed record AblationRun(string Name, double X, Func<TrainingOptions, TrainingOptions> Apply);

/// <summary>The measured outcome of one run (saved as JSON so studies resume and re-plot without retraining).</summary>
internal sealed record AblationResult(string Name, double X, double AP, double AP50, double AP75, double Seconds, int Iterations, bool Diverged, double FinalLoss);

internal static class AblateCommand
{
    private static TrainingOptions Loss(TrainingOptions o, ClassificationLossKind kind, float alpha, float gamma) =>
        o with { Model = o.Model with { ClassificationLoss = kind, FocalAlpha = alpha, FocalGamma = gamma } };

    private static TrainingOptions Prior(TrainingOptions o, float pi) => o with { Model = o.Model with { PriorProbability = pi } };

    /// <summary>The paper's Table 1 studies that run on the detector as built.</summary>
    public static IReadOnlyList<AblationRun>? Study(string name) => name switch
    {
        "alpha-ce" => [.. new[] { 0.25f, 0.5f, 0.75f, 0.9f, 0.99f, 0.999f }.Select(a =>
            new AblationRun($"alpha={a.ToString(CultureInfo.InvariantCulture)}", a, o => Loss(o, ClassificationLossKind.AlphaBalancedCrossEntropy, a, 0)))],
        // The α that suits each γ, as in the paper's Table 1b.
        "gamma" => [.. new (float G, float A)[] { (0, 0.75f), (0.1f, 0.75f), (0.2f, 0.75f), (0.5f, 0.5f), (1, 0.25f), (2, 0.25f), (5, 0.25f) }.Select(p =>
            new AblationRun($"gamma={p.G.ToString(CultureInfo.InvariantCulture)},alpha={p.A.ToString(CultureInfo.InvariantCulture)}", p.G, o => Loss(o, ClassificationLossKind.Focal, p.A, p.G)))],
        "prior" =>
        [
            new("CE, prior 0.01", 0, o => Prior(Loss(o, ClassificationLossKind.AlphaBalancedCrossEntropy, 0.5f, 0), 0.01f)),
            new("CE, no prior", 1, o => Prior(Loss(o, ClassificationLossKind.AlphaBalancedCrossEntropy, 0.5f, 0), 0)),
            new("FL, prior 0.01", 2, o => Prior(o, 0.01f)),
            new("FL, no prior", 3, o => Prior(o, 0)),
        ],
        "anchors" =>
        [
            new("1 scale, 1 ratio", 1, o => o with { Model = o.Model with { AnchorScales = [0], AspectRatios = [1] } }),
            new("1 scale, 3 ratios", 3, o => o with { Model = o.Model with { AnchorScales = [0], AspectRatios = [0.5, 1, 2] } }),
            new("2 scales, 3 ratios", 6, o => o with { Model = o.Model with { AnchorScales = [0, 0.5], AspectRatios = [0.5, 1, 2] } }),
            new("3 scales, 3 ratios", 9, o => o with { Model = o.Model with { AnchorScales = [0, 1.0 / 3, 2.0 / 3], AspectRatios = [0.5, 1, 2] } }),
            new("4 scales, 3 ratios", 12, o => o with { Model = o.Model with { AnchorScales = [0, 0.25, 0.5, 0.75], AspectRatios = [0.5, 1, 2] } }),
        ],
        _ => null,
    };

    public static readonly string[] Studies = ["alpha-ce", "gamma", "prior", "anchors"];

    public static Command Create()
    {
        var study = new Option<string>("--study") { Description = $"Which study: {string.Join(", ", Studies)} (ohem, hinge and loss-cdf are not available in this build).", Required = true };
        var outDir = new Option<string>("--out") { Description = "Folder for the data set, runs and results (resumable).", DefaultValueFactory = _ => "retina-ablate" };
        var quick = new Option<bool>("--quick") { Description = "Small data set and short runs (a smoke test)." };
        var budget = new Option<double?>("--budget") { Description = "Training seconds per run (default 120, quick 15)." };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 0 };
        var replot = new Option<bool>("--replot") { Description = "Rewrite the table and plot from saved results without training." };
        var command = new Command("ablate", "Reproduce the paper's ablations on the synthetic data set: one training run per setting at a fixed budget.")
            { study, outDir, quick, budget, seed, replot };
        command.SetAction(pr => CliErrors.Run("ablate", () =>
        {
            var name = pr.GetValue(study)!;
            var runs = Study(name) ?? throw new ArgumentException($"Unknown or unavailable study '{name}'. Available: {string.Join(", ", Studies)}.");
            var root = Path.Combine(pr.GetValue(outDir)!, name);
            Directory.CreateDirectory(root);
            bool q = pr.GetValue(quick);
            if (!pr.GetValue(replot)) RunAll(root, runs, q, pr.GetValue(budget) ?? (q ? 15 : 120), pr.GetValue(seed));
            var results = runs.Select(r => Path.Combine(root, "runs", Slug(r.Name), "result.json")).Where(File.Exists)
                .Select(p => JsonSerializer.Deserialize<AblationResult>(File.ReadAllText(p))!).ToList();
            WriteReport(root, name, results);
            Console.WriteLine($"{results.Count}/{runs.Count} runs; table: {Path.Combine(root, "results.md")}");
            return 0;
        }));
        return command;
    }

    private static string Slug(string s) => new(s.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c : '_').ToArray());

    private static void RunAll(string root, IReadOnlyList<AblationRun> runs, bool quick, double budget, ulong seed)
    {
        var data = Path.Combine(root, "..", "data");
        if (!File.Exists(Path.Combine(data, "val.json")))
            SyntheticDataset.Generate(new SyntheticOptions { Seed = seed, TrainImages = quick ? 96 : 2000, ValImages = quick ? 24 : 200 }, data);
        var train = CocoSamples.Load(Path.Combine(data, "train.json"), Path.Combine(data, "train"));
        var val = CocoSamples.Load(Path.Combine(data, "val.json"), Path.Combine(data, "val"));
        foreach (var run in runs)
        {
            var dir = Path.Combine(root, "runs", Slug(run.Name));
            var resultPath = Path.Combine(dir, "result.json");
            if (File.Exists(resultPath)) { Console.WriteLine($"{run.Name}: done earlier, kept"); continue; }
            var options = run.Apply(DemoCommand.Recipe(train.ClassNames.Count, quick, seed) with { TimeBudgetSeconds = budget, LogEvery = 10 });
            Console.WriteLine($"{run.Name}: training for {budget:F0} s");
            var result = new Trainer(options, train, dir).Run();
            bool diverged = result.StopReason.StartsWith("stopped after", StringComparison.Ordinal);
            double ap = 0, ap50 = 0, ap75 = 0;
            if (!diverged)
            {
                using var detector = RetinaNetDetector.Load(result.LastCheckpoint);
                var e = DetectorEvaluation.Evaluate(detector.Model, val);
                (ap, ap50, ap75) = (e.AP, e.AP50, e.AP75);
            }
            double finalLoss = File.ReadLines(Path.Combine(dir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(e => e.TryGetProperty("loss", out _)).Select(e => e.GetProperty("loss").GetDouble()).LastOrDefault(double.NaN);
            var r = new AblationResult(run.Name, run.X, ap, ap50, ap75, result.Elapsed.TotalSeconds, result.Iterations, diverged, finalLoss);
            AtomicFile.WriteAllText(resultPath, JsonSerializer.Serialize(r));
            Console.WriteLine($"{run.Name}: AP {ap:F3} AP50 {ap50:F3} AP75 {ap75:F3}{(diverged ? " (diverged)" : "")}");
        }
    }

    private static void WriteReport(string root, string study, List<AblationResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"| {study} | AP | AP50 | AP75 | steps | seconds | final loss | diverged |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in results)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.AP:F3} | {r.AP50:F3} | {r.AP75:F3} | {r.Iterations} | {r.Seconds:F0} | {r.FinalLoss:F4} | {(r.Diverged ? "yes" : "no")} |");
        AtomicFile.WriteAllText(Path.Combine(root, "results.md"), md.ToString());
        var xs = results.Select(r => r.X).ToList();
        var chart = new SvgLineChart($"Ablation: {study}", study, "AP")
            .Add("AP", xs, results.Select(r => r.AP).ToList())
            .Add("AP50", xs, results.Select(r => r.AP50).ToList())
            .Add("AP75", xs, results.Select(r => r.AP75).ToList());
        AtomicFile.WriteAllText(Path.Combine(root, "results.svg"), chart.Render());
    }
}
