using System.Globalization;
using RetinaSharp.Data;
using RetinaSharp.Data.Csv;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Testing;
using RetinaSharp.Tests.Data;
using RetinaSharp.Training;
using RetinaSharp.Training.Hooks;
using RetinaSharp.Training.Metrics;
using Xunit;

namespace RetinaSharp.Tests.Training;

/// <summary>results.csv: one row per evaluation, its columns, and what a resumed run keeps.</summary>
public sealed class ResultsCsvHookTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private CsvDetectionDataset Dataset()
    {
        var reader = new MemoryImageReader();
        var lines = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            var path = _dir[$"i{i}.png"];
            reader.Add(path, TestImages.Pattern(32, 32, i));
            lines.Add($"i{i}.png,4,4,{20 + i},{22 + i},{(i % 2 == 0 ? "a" : "b")}");
        }
        var csv = _dir.Write("ann.csv", string.Join("\n", lines));
        _dir.Write("classes.csv", "a,0\nb,1\n");
        return CsvDetectionDataset.Open(csv, _dir["classes.csv"], new DatasetOptions { ImageReader = reader, CheckImageFiles = false });
    }

    private static TrainingOptions Tiny(int iterations) => new()
    {
        Model = new RetinaNetConfig
        {
            Backbone = "resnet18", BackboneWidth = 1.0 / 16, BackboneNorm = NormKind.GroupNorm, TrainableBackboneLayers = 5, NumClasses = 2,
            FpnChannels = 16, HeadDepth = 1, AnchorSizes = [8, 16, 32, 64, 128], MinSize = 32, MaxSize = 32, BoxLoss = BoxLossKind.SmoothL1,
        },
        Optimizer = "adamw", LearningRate = 1e-3f, ImagesPerStep = 2, Iterations = iterations, WarmupIterations = 1,
        Schedule = ScheduleKind.Cosine, TrainMinSizes = [32], Threads = 2, Seed = 5, LogEvery = 1, CheckpointEvery = 0, EvalEvery = 2,
    };

    /// <summary>A stand-in evaluator: AP = iteration / 100, the other COCO numbers fixed, and a validation loss.</summary>
    private static TrainingEvaluator Fake(Func<int> iteration) => _ =>
    {
        var metrics = new Dictionary<string, double>();
        foreach (var name in RetinaSharp.Evaluation.CocoEvalResult.StatNames) metrics[name] = 0.5;
        metrics["AP"] = iteration() / 100.0;
        metrics["APl"] = -1;
        metrics["val_classification"] = 0.25;
        metrics["val_box_regression"] = 0.125;
        return metrics;
    };

    private static List<Dictionary<string, string>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second))];
    }

    [Fact]
    public void Writes_one_row_per_evaluation_with_the_step_losses_and_coco_numbers()
    {
        var run = _dir["run"];
        Trainer? trainer = null;
        trainer = new Trainer(Tiny(6), Dataset(), run) { Evaluator = Fake(() => trainer!.Iteration) };
        trainer.Run();

        var path = Path.Combine(run, ResultsCsvHook.FileName);
        Assert.Equal(string.Join(',', ResultsCsvHook.Columns), File.ReadLines(path).First());
        Assert.Equal(
            "iteration,epoch,train_loss,train_classification,train_box_regression,val_classification,val_box_regression,lr," +
            "AP,AP50,AP75,APs,APm,APl,AR1,AR10,AR100,ARs,ARm,ARl,seconds",
            File.ReadLines(path).First());
        var rows = Read(path);
        // Evaluations every 2 steps and at the end of the 6.
        Assert.Equal(["2", "4", "6"], rows.Select(r => r["iteration"]));
        // 2 images a step over a set of 4: an epoch every 2 steps.
        Assert.Equal(["1", "2", "3"], rows.Select(r => r["epoch"]));
        var steps = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Steps;
        foreach (var row in rows)
        {
            var step = steps.Single(s => s.Iteration == int.Parse(row["iteration"], CultureInfo.InvariantCulture));
            // The losses are those of the step just before the evaluation, as metrics.jsonl logged them.
            Assert.Equal(step.Loss, double.Parse(row["train_loss"], CultureInfo.InvariantCulture), 5);
            Assert.Equal(step.Classification, double.Parse(row["train_classification"], CultureInfo.InvariantCulture), 5);
            Assert.Equal(step.LearningRate, double.Parse(row["lr"], CultureInfo.InvariantCulture), 5);
            Assert.Equal("0.25", row["val_classification"]);
            Assert.Equal("0.125", row["val_box_regression"]);
            Assert.Equal(int.Parse(row["iteration"], CultureInfo.InvariantCulture) / 100.0, double.Parse(row["AP"], CultureInfo.InvariantCulture), 12);
            Assert.Equal("-1", row["APl"]);
            Assert.True(double.Parse(row["seconds"], CultureInfo.InvariantCulture) >= 0);
        }
    }

    [Fact]
    public void A_metric_the_evaluator_does_not_give_is_an_empty_cell()
    {
        var run = _dir["run-ap-only"];
        new Trainer(Tiny(2), Dataset(), run) { Evaluator = _ => new Dictionary<string, double> { ["AP"] = 0.5 } }.Run();
        var row = Assert.Single(Read(Path.Combine(run, ResultsCsvHook.FileName)));
        Assert.Equal("0.5", row["AP"]);
        Assert.Equal("", row["AP50"]);
        Assert.Equal("", row["val_classification"]);
    }

    [Fact]
    public void A_resumed_run_keeps_the_rows_up_to_its_checkpoint_and_drops_later_ones()
    {
        var run = _dir["run-resume"];
        Trainer? first = null;
        first = new Trainer(Tiny(6) with { StopAtIteration = 3 }, Dataset(), run) { Evaluator = Fake(() => first!.Iteration) };
        first.Run();
        var path = Path.Combine(run, ResultsCsvHook.FileName);
        Assert.Equal(["2"], Read(path).Select(r => r["iteration"]));
        // As if the run had evaluated at 4 after its checkpoint at 3, then crashed: that row is redone on resume.
        File.AppendAllText(path, "4,2,9,9,9,,,0.1,0.99,,,,,,,,,,,,1\n");

        Trainer? second = null;
        second = new Trainer(Tiny(6), Dataset(), run) { Evaluator = Fake(() => second!.Iteration) };
        second.Run(resume: true);
        var rows = Read(path);
        Assert.Equal(["2", "4", "6"], rows.Select(r => r["iteration"]));
        Assert.Equal("0.04", rows[1]["AP"]);

        // A new run in the same folder starts the file again.
        Trainer? third = null;
        third = new Trainer(Tiny(2), Dataset(), run) { Evaluator = Fake(() => third!.Iteration) };
        third.Run();
        Assert.Equal(["2"], Read(path).Select(r => r["iteration"]));
    }

    [Fact]
    public void Without_an_evaluator_there_is_no_file()
    {
        var run = _dir["run-no-eval"];
        new Trainer(Tiny(2), Dataset(), run).Run();
        Assert.False(File.Exists(Path.Combine(run, ResultsCsvHook.FileName)));
    }
}
