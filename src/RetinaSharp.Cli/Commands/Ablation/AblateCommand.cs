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
using RetinaSharp.Training.Metrics;

namespace RetinaSharp.Cli.Commands;

/// <summary>The measured outcome of one run (saved as JSON so studies resume and re-plot without retraining).</summary>
/// <remarks>
/// <see cref="Options"/> is the run's full training configuration: a run with the same options in another
/// study reuses this result instead of training again, which is exact because training is deterministic
/// given the seed when the budget is a step count. <see cref="RunDirectory"/> holds its checkpoints.
/// </remarks>
internal sealed record AblationResult(string Name, double X, double AP, double AP50, double AP75, double Seconds, int Iterations, bool Diverged, double FinalLoss,
    string? Options = null, string? RunDirectory = null);

internal static class AblateCommand
{
    public static Command Create()
    {
        var study = new Option<string>("--study") { Description = $"Which study: {string.Join(", ", AblationStudies.Names)}.", Required = true };
        var outDir = new Option<string>("--out") { Description = "Folder for the data set, runs and results (resumable).", DefaultValueFactory = _ => "retina-ablate" };
        var quick = new Option<bool>("--quick") { Description = "Small data set and short runs (a smoke test)." };
        var iterations = new Option<int?>("--iterations") { Description = "Training steps of 8 images per run, with the cosine schedule sized to them (default 400, quick 20)." };
        var budget = new Option<double?>("--budget") { Description = "Train for this many seconds per run instead of a step count (results then depend on machine load)." };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 0 };
        var replot = new Option<bool>("--replot") { Description = "Rewrite the table and plot from saved results without training." };
        var only = new Option<string[]>("--only") { Description = "Run only the settings with these names (as in the table, e.g. \"gamma=2,alpha=0.25\").", AllowMultipleArgumentsPerToken = true };
        var command = new Command("ablate", "Reproduce the paper's ablations on the synthetic data set: one training run per setting at a fixed budget.")
            { study, outDir, quick, iterations, budget, seed, replot, only };
        command.SetAction(pr => CliErrors.Run("ablate", () =>
        {
            var name = pr.GetValue(study)!;
            var runs = AblationStudies.Runs(name) ?? throw new ArgumentException($"Unknown study '{name}'. Available: {string.Join(", ", AblationStudies.Names)}.");
            if (pr.GetValue(only) is { Length: > 0 } names)
            {
                var unknown = names.Where(n => runs.All(r => r.Name != n)).ToList();
                if (unknown.Count > 0)
                    throw new ArgumentException($"--only: no setting named {string.Join(", ", unknown.Select(u => $"'{u}'"))} in study '{name}'. Its settings: {string.Join("; ", runs.Select(r => r.Name))}.");
                runs = [.. runs.Where(r => names.Contains(r.Name))];
            }
            var root = Path.Combine(pr.GetValue(outDir)!, name);
            Directory.CreateDirectory(root);
            bool q = pr.GetValue(quick);
            if (!pr.GetValue(replot))
            {
                var (train, val) = LoadData(root, q, pr.GetValue(seed));
                RunAll(root, runs, train, val, q, new AblationBudget(pr.GetValue(iterations) ?? (q ? 20 : 400), pr.GetValue(budget)), pr.GetValue(seed));
                if (name == "loss-cdf") LossCdfStudy.Measure(root, ResultPath(root, runs[0]), val, q ? 8 : val.Count);
            }
            if (name == "loss-cdf")
            {
                LossCdfStudy.WriteReport(root);
                Console.WriteLine($"table: {Path.Combine(root, "results.md")}");
                return 0;
            }
            var results = runs.Select(r => ResultPath(root, r)).Where(File.Exists)
                .Select(p => JsonSerializer.Deserialize<AblationResult>(File.ReadAllText(p))!).ToList();
            WriteReport(root, name, results);
            Console.WriteLine($"{results.Count}/{runs.Count} runs; table: {Path.Combine(root, "results.md")}");
            return 0;
        }));
        return command;
    }

    private static string Slug(string s) => new(s.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c : '_').ToArray());

    internal static string ResultPath(string root, AblationRun run) => Path.Combine(root, "runs", Slug(run.Name), "result.json");

    /// <summary>The synthetic set shared by all studies under the same --out folder (made on first use).</summary>
    private static (CocoDetectionDataset Train, CocoDetectionDataset Val) LoadData(string root, bool quick, ulong seed)
    {
        var data = Path.Combine(root, "..", "data");
        if (!File.Exists(Path.Combine(data, "val.json")))
            SyntheticDataset.Generate(new SyntheticOptions { Seed = seed, TrainImages = quick ? 96 : 2000, ValImages = quick ? 24 : 200 }, data);
        return (CocoDetectionDataset.Open(Path.Combine(data, "train.json"), Path.Combine(data, "train")),
            CocoDetectionDataset.Open(Path.Combine(data, "val.json"), Path.Combine(data, "val")));
    }

    /// <summary>How long each run trains: a step count (the schedule is sized to it), or seconds on the clock.</summary>
    internal sealed record AblationBudget(int Iterations, double? Seconds);

    internal static TrainingOptions RunOptions(AblationRun run, int numClasses, bool quick, AblationBudget budget, ulong seed)
    {
        var recipe = TrainingRecipes.Demo(numClasses, quick, seed) with { LogEvery = 10 };
        recipe = budget.Seconds is double s
            ? recipe with { TimeBudgetSeconds = s }
            : recipe with
            {
                Iterations = budget.Iterations,
                WarmupIterations = Math.Min(recipe.WarmupIterations, Math.Max(1, budget.Iterations / 10)),
                CheckpointEvery = Math.Max(10, budget.Iterations / 4),
                TimeBudgetSeconds = 0,
            };
        return run.Apply(recipe);
    }

    private static void RunAll(string root, IReadOnlyList<AblationRun> runs, CocoDetectionDataset train, CocoDetectionDataset val, bool quick, AblationBudget budget, ulong seed)
    {
        foreach (var run in runs)
        {
            var dir = Path.Combine(root, "runs", Slug(run.Name));
            var resultPath = ResultPath(root, run);
            if (File.Exists(resultPath)) { Console.WriteLine($"{run.Name}: done earlier, kept"); continue; }
            var options = RunOptions(run, train.Classes.Count, quick, budget, seed);
            var optionsJson = options.ToJson();
            if (budget.Seconds == null && FindIdenticalRun(Path.Combine(root, ".."), optionsJson) is { } same)
            {
                AtomicFile.WriteAllText(resultPath, JsonSerializer.Serialize(same with { Name = run.Name, X = run.X }));
                Console.WriteLine($"{run.Name}: identical to a run in {same.RunDirectory}, result reused");
                continue;
            }
            Console.WriteLine(budget.Seconds is double s ? $"{run.Name}: training for {s:F0} s" : $"{run.Name}: training for {options.Iterations} steps");
            var result = new Trainer(options, train, dir).Run(resume: budget.Seconds == null);
            bool diverged = result.StopReason == StopReason.Diverged;
            double ap = 0, ap50 = 0, ap75 = 0;
            if (!diverged)
            {
                using var detector = RetinaNetDetector.Load(result.LastCheckpoint);
                var e = DetectorEvaluation.Evaluate(detector.Model, val);
                (ap, ap50, ap75) = (e.AP, e.AP50, e.AP75);
            }
            var steps = MetricsLog.Read(Path.Combine(dir, "metrics.jsonl")).Steps;
            double finalLoss = steps.Count > 0 ? steps[^1].Loss : double.NaN;
            var r = new AblationResult(run.Name, run.X, ap, ap50, ap75, result.Elapsed.TotalSeconds, result.Iterations, diverged, finalLoss,
                optionsJson, Path.GetFullPath(dir));
            AtomicFile.WriteAllText(resultPath, JsonSerializer.Serialize(r));
            Console.WriteLine($"{run.Name}: AP {ap:F3} AP50 {ap50:F3} AP75 {ap75:F3}{(diverged ? " (diverged)" : "")}");
        }
    }

    /// <summary>A finished run of any study under <paramref name="outRoot"/> trained with exactly these options.</summary>
    internal static AblationResult? FindIdenticalRun(string outRoot, string optionsJson)
    {
        if (!Directory.Exists(outRoot)) return null;
        foreach (var studyDir in Directory.EnumerateDirectories(outRoot))
        {
            var runsDir = Path.Combine(studyDir, "runs");
            if (!Directory.Exists(runsDir)) continue;
            foreach (var runDir in Directory.EnumerateDirectories(runsDir))
            {
                var path = Path.Combine(runDir, "result.json");
                if (!File.Exists(path)) continue;
                var r = JsonSerializer.Deserialize<AblationResult>(File.ReadAllText(path));
                if (r?.Options == optionsJson && r.RunDirectory != null) return r;
            }
        }
        return null;
    }

    /// <summary>The logged loss at step 1 and the largest one in the first 100 steps: how hard the start of a run was.</summary>
    private static (string First, string Peak) EarlyLosses(string? runDirectory)
    {
        var path = runDirectory == null ? null : Path.Combine(runDirectory, "metrics.jsonl");
        if (path == null || !File.Exists(path)) return ("–", "–");
        double first = double.NaN, peak = double.NegativeInfinity;
        foreach (var step in MetricsLog.Read(path).Steps)
        {
            if (step.Iteration > 100) continue;
            double v = step.Loss;
            if (double.IsNaN(first)) first = v;
            if (!(v <= peak)) peak = v;
        }
        string F(double v) => double.IsFinite(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);
        return double.IsNaN(first) ? ("–", "–") : (F(first), F(peak));
    }

    private static void WriteReport(string root, string study, List<AblationResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"| {study} | AP | AP50 | AP75 | steps | seconds | first loss | peak loss, steps 1–100 | final loss | diverged |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in results)
        {
            var (first, peak) = EarlyLosses(r.RunDirectory);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.AP:F3} | {r.AP50:F3} | {r.AP75:F3} | {r.Iterations} | {r.Seconds:F0} | {first} | {peak} | {r.FinalLoss:F4} | {(r.Diverged ? "yes" : "no")} |");
        }
        AtomicFile.WriteAllText(Path.Combine(root, "results.md"), md.ToString());
        var xs = results.Select(r => r.X).ToList();
        var chart = new SvgLineChart($"Ablation: {study}", study, "AP")
            .Add("AP", xs, results.Select(r => r.AP).ToList())
            .Add("AP50", xs, results.Select(r => r.AP50).ToList())
            .Add("AP75", xs, results.Select(r => r.AP75).ToList());
        AtomicFile.WriteAllText(Path.Combine(root, "results.svg"), chart.Render());
    }
}
