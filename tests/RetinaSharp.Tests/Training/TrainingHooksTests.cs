using RetinaSharp.Testing;
using RetinaSharp.Data;
using RetinaSharp.Data.Csv;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Tests.Data;
using RetinaSharp.Training;
using RetinaSharp.Training.Metrics;
using Xunit;

namespace RetinaSharp.Tests.Training;

/// <summary>The trainer's loop with hooks: extra hooks, typed stop reasons, hook state across a resume, skipped images.</summary>
public sealed class TrainingHooksTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A CSV data set of 6 small images, one of which (i2) cannot be decoded.</summary>
    private CsvDetectionDataset Dataset(BadSamplePolicy policy = BadSamplePolicy.Skip)
    {
        var reader = new MemoryImageReader();
        var lines = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            var path = _dir[$"i{i}.png"];
            if (i == 2) reader.AddCorrupt(path);
            else reader.Add(path, TestImages.Pattern(32, 32, i));
            lines.Add($"i{i}.png,4,4,{20 + i},{22 + i},{(i % 2 == 0 ? "a" : "b")}");
        }
        var csv = _dir.Write("ann.csv", string.Join("\n", lines));
        _dir.Write("classes.csv", "a,0\nb,1\n");
        return CsvDetectionDataset.Open(csv, _dir["classes.csv"], new DatasetOptions { ImageReader = reader, CheckImageFiles = false, Policy = policy });
    }

    private static TrainingOptions Tiny(int iterations) => new()
    {
        Model = new RetinaNetConfig
        {
            Backbone = "resnet18", BackboneWidth = 1.0 / 16, BackboneNorm = NormKind.GroupNorm, TrainableBackboneLayers = 5, NumClasses = 2,
            FpnChannels = 16, HeadDepth = 1, AnchorSizes = [8, 16, 32, 64, 128], MinSize = 32, MaxSize = 32, BoxLoss = BoxLossKind.SmoothL1,
        },
        Optimizer = "adamw", LearningRate = 1e-3f, ImagesPerStep = 2, Iterations = iterations, WarmupIterations = 1,
        Schedule = ScheduleKind.Cosine, TrainMinSizes = [32], Threads = 2, Seed = 5, LogEvery = 1, CheckpointEvery = 0,
    };

    [Fact]
    public void An_unreadable_image_is_skipped_counted_and_named()
    {
        var data = Dataset();
        var run = _dir["run-skip"];
        // 6 images in batches of 2 is 3 batches an epoch: 6 steps read image i2 twice.
        var result = new Trainer(Tiny(6), data, run).Run();
        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(2, result.SkippedImages);
        var steps = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Steps;
        Assert.Equal(6, steps.Count);
        Assert.Equal(2, steps[^1].SkippedImages);
        var problem = Assert.Single(data.Report.Problems, p => p.Kind == ProblemKind.UnreadableImage);
        Assert.Equal(_dir["i2.png"], problem.File);
    }

    [Fact]
    public void Under_the_fail_policy_an_unreadable_image_stops_the_run_naming_it()
    {
        var e = Assert.Throws<BadSampleException>(() => new Trainer(Tiny(6), Dataset(BadSamplePolicy.Fail), _dir["run-fail"]).Run());
        Assert.Contains("i2.png", e.Message);
    }

    /// <summary>Ends the run at a fixed iteration, the way an early-stopping hook would.</summary>
    private sealed class StopAfter(int iteration) : TrainingHook
    {
        public override void AfterStep(Trainer trainer, StepResult step)
        {
            if (trainer.Iteration >= iteration) trainer.RequestStop(StopReason.EarlyStopped, "enough");
        }
    }

    /// <summary>Counts the steps it saw; the count is kept in checkpoints.</summary>
    private sealed class StepCounter : TrainingHook
    {
        public int Steps { get; private set; }
        public override string Name => "counter";
        public override void AfterStep(Trainer trainer, StepResult step) => Steps++;
        public override string? SaveState() => Steps.ToString(System.Globalization.CultureInfo.InvariantCulture);
        public override void LoadState(string json) => Steps = int.Parse(json, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void An_extra_hook_stops_the_run_with_its_reason_and_a_checkpoint()
    {
        var run = _dir["run-early"];
        var trainer = new Trainer(Tiny(10), Dataset(), run) { ExtraHooks = [new StopAfter(3)] };
        var result = trainer.Run();
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal("enough", trainer.StopMessage);
        Assert.Equal(3, result.Iterations);
        using var ck = RetinaSharp.Checkpoints.Checkpoint.Load(result.LastCheckpoint);
        Assert.Equal(3, TrainingState.FromJson(ck.Metadata.TrainerStateJson!, run).Iteration);
    }

    [Fact]
    public void Early_stopping_ends_the_run_after_the_patience_runs_out()
    {
        // AP by evaluation: 0.3, 0.5 (best), 0.4, 0.45, 0.2, ... so with patience 3 the run ends at the fifth.
        double[] aps = [0.3, 0.5, 0.4, 0.45, 0.2, 0.6, 0.7];
        int calls = 0;
        var options = Tiny(20) with { EvalEvery = 2, Patience = 3 };
        var trainer = new Trainer(options, Dataset(), _dir["run-patience"])
        {
            Evaluator = _ => new Dictionary<string, double> { ["AP"] = aps[calls++] },
        };
        var result = trainer.Run();
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal(5, calls);
        Assert.Equal(10, result.Iterations);
        Assert.NotNull(result.BestCheckpoint);
        var evaluations = MetricsLog.Read(Path.Combine(_dir["run-patience"], "metrics.jsonl")).Evaluations;
        Assert.Equal([0.3, 0.5, 0.4, 0.45, 0.2], evaluations.Select(e => e.Evaluation["AP"]));
    }

    /// <summary>Makes every step after the first <paramref name="fast"/> ones take <paramref name="milliseconds"/> longer, as a machine that gets busy.</summary>
    private sealed class SlowDown(int fast, int milliseconds) : TrainingHook
    {
        public override void AfterStep(Trainer trainer, StepResult step)
        {
            if (trainer.Iteration > fast) Thread.Sleep(milliseconds);
        }
    }

    private sealed class Messages : ITrainingObserver
    {
        public List<string> Lines { get; } = [];
        public void OnStep(TrainingProgress progress) { }
        public void OnEvaluation(int iteration, IReadOnlyDictionary<string, double> metrics) { }
        public void OnMessage(string message) { lock (Lines) Lines.Add(message); }
    }

    [Fact]
    public void A_schedule_fitted_to_a_budget_is_refitted_when_steps_slow_down()
    {
        // Fitted on fast first steps, then every step costs 150 ms more: without a refit the budget
        // would cut the run off mid-schedule; refitted, the schedule ends inside it.
        var messages = new Messages();
        var options = Tiny(1_000_000) with { TimeBudgetSeconds = 8, FitScheduleToTime = true, LogEvery = 1000 };
        var result = new Trainer(options, Dataset(), _dir["run-refit"]) { ExtraHooks = [new SlowDown(16, 150)], Observer = messages }.Run();
        Assert.Contains(messages.Lines, m => m.StartsWith("Measured", StringComparison.Ordinal));
        Assert.Contains(messages.Lines, m => m.StartsWith("Steps now take", StringComparison.Ordinal));
        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.True(result.Elapsed.TotalSeconds <= 8, $"ran {result.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void A_time_budget_fits_the_whole_schedule()
    {
        var run = _dir["run-time"];
        var options = Tiny(1_000_000) with { TimeBudgetSeconds = 6, FitScheduleToTime = true, LogEvery = 1000 };
        var result = new Trainer(options, Dataset(), run).Run();
        using var ck = RetinaSharp.Checkpoints.Checkpoint.Load(result.LastCheckpoint);
        var state = TrainingState.FromJson(ck.Metadata.TrainerStateJson!, run);
        // The length was measured and fitted (far below the million asked for) and kept for a resume.
        Assert.NotNull(state.Iterations);
        Assert.InRange(state.Iterations!.Value, 14, 999_999);
        // The one warmup step of a million-step plan keeps its share: round(1 · N / 1e6) = 0.
        Assert.Equal(0, state.WarmupIterations);
        // A loaded machine may slow the later steps; then the budget still stops the run, otherwise the schedule ends first.
        if (result.StopReason == StopReason.Completed) Assert.Equal(state.Iterations, result.Iterations);
        else Assert.Equal(StopReason.TimeBudget, result.StopReason);
        Assert.True(result.Elapsed.TotalSeconds < 6 + 5, $"ran {result.Elapsed.TotalSeconds:F1} s");
    }

    private sealed class Progress : ITrainingObserver
    {
        public List<TrainingProgress> Steps { get; } = [];
        public void OnStep(TrainingProgress progress) => Steps.Add(progress);
        public void OnEvaluation(int iteration, IReadOnlyDictionary<string, double> metrics) { }
        public void OnMessage(string message) { }
    }

    [Fact]
    public void The_eta_never_passes_the_time_budget()
    {
        // 100 000 steps cannot run in 2 s: the budget stops the run, and the estimate must say so.
        var progress = new Progress();
        var options = Tiny(100_000) with { TimeBudgetSeconds = 2, FitScheduleToTime = false };
        var result = new Trainer(options, Dataset(), _dir["run-eta"]) { Observer = progress }.Run();
        Assert.Equal(StopReason.TimeBudget, result.StopReason);
        Assert.True(progress.Steps.Count >= 2);
        foreach (var p in progress.Steps)
        {
            Assert.True(p.Remaining.TotalSeconds <= Math.Max(0, 2 - p.Elapsed.TotalSeconds) + 1e-6, $"eta {p.Remaining} at {p.Elapsed} of a 2 s budget");
            // The schedule alone would have promised far longer.
            double bySchedule = p.Elapsed.TotalSeconds / Math.Max(1, p.Iteration) * (p.TotalIterations - p.Iteration);
            Assert.True(bySchedule > 60, $"{bySchedule}");
        }
    }

    [Fact]
    public void Hook_state_survives_a_resume()
    {
        var run = _dir["run-state"];
        var first = new StepCounter();
        new Trainer(Tiny(5) with { StopAtIteration = 2 }, Dataset(), run) { ExtraHooks = [first] }.Run();
        Assert.Equal(2, first.Steps);
        var second = new StepCounter();
        var result = new Trainer(Tiny(5), Dataset(), run) { ExtraHooks = [second] }.Run(resume: true);
        Assert.Equal(5, result.Iterations);
        // Restored from the checkpoint (2), then 3 more steps.
        Assert.Equal(5, second.Steps);
    }
}

/// <summary>Peak tensor memory is counted for the whole process, so these run with no other test alongside.</summary>
[CollectionDefinition(nameof(MemoryEstimateTests), DisableParallelization = true)]
public sealed class MemoryEstimateCollection;

[Collection(nameof(MemoryEstimateTests))]
public sealed class MemoryEstimateTests : IDisposable
{
    private readonly RetinaSharp.Testing.TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static RetinaNetConfig Config() => new()
    {
        Backbone = "resnet18", BackboneWidth = 1.0 / 8, BackboneNorm = NormKind.GroupNorm, TrainableBackboneLayers = 5, NumClasses = 2,
        FpnChannels = 16, HeadDepth = 1, AnchorSizes = [8, 16, 32, 64, 128], MinSize = 96, MaxSize = 128,
    };

    [Fact]
    public void Peak_memory_grows_linearly_with_the_batch()
    {
        // The estimate extrapolates from one and two images; check it against four measured ones.
        using var model = new RetinaNet(Config());
        model.Train();
        var size = new RetinaSharp.Structures.ImageSize(96, 128);
        long one = MemoryEstimate.Peak(model, 1, size), two = MemoryEstimate.Peak(model, 2, size), four = MemoryEstimate.Peak(model, 4, size);
        long predicted = one + 3 * (two - one);
        Assert.True(two > one, $"{one} then {two}");
        Assert.InRange(four, predicted * 0.9, predicted * 1.1);
        Assert.True(model.Training);
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void A_run_that_does_not_fit_is_refused_before_anything_is_written()
    {
        var reader = new MemoryImageReader();
        reader.Add(_dir["a.png"], TestImages.Pattern(128, 96, 1));
        var csv = _dir.Write("a.csv", "a.png,4,4,40,40,x\n");
        var data = CsvDetectionDataset.Open(csv, null, new DatasetOptions { ImageReader = reader });
        var options = new TrainingOptions { Model = Config() with { NumClasses = 1 }, ImagesPerStep = 8, Iterations = 2, TrainMinSizes = [96], MemoryLimitBytes = 1 };
        var run = _dir["run"];
        var e = Assert.Throws<InsufficientMemoryException>(() => new Trainer(options, data, run).Run());
        Assert.Contains("not even one image fits", e.Message);
        Assert.False(Directory.Exists(run));
        // With room for a step, the same run starts.
        var fits = new Trainer(options with { MemoryLimitBytes = 64L << 30, Optimizer = "adamw", LearningRate = 1e-3f, WarmupIterations = 0 }, data, run).Run();
        Assert.Equal(StopReason.Completed, fits.StopReason);
    }
}
