using RetinaSharp.Checkpoints;
using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Loading;
using RetinaSharp.Data.Synthetic;
using RetinaSharp.Evaluation;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Tensors;
using RetinaSharp.Testing;
using RetinaSharp.Training;
using RetinaSharp.Training.Metrics;
using Xunit;

namespace RetinaSharp.Tests.Training;

/// <summary>The whole training loop on a tiny model and a small synthetic set.</summary>
public sealed class TrainingLoopTests : IClassFixture<TrainingLoopTests.SmallSet>
{
    public sealed class SmallSet : IDisposable
    {
        public SmallSet()
        {
            SyntheticDataset.Generate(new SyntheticOptions
            {
                Seed = 3,
                TrainImages = 48,
                ValImages = 16,
                // Two well-separated shapes, at most two objects of 16 px or more: learnable in seconds.
                Settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy, 64) with
                {
                    Shapes = [ShapeKind.Circle, ShapeKind.Square],
                    MinObjectSize = 16,
                    MinVisibleSize = 16,
                    MaxObjects = 2,
                    EmptyImageFraction = 0,
                },
            }, Root);
            Train = CocoDetectionDataset.Open(Path.Combine(Root, "train.json"), Path.Combine(Root, "train"));
            Val = CocoDetectionDataset.Open(Path.Combine(Root, "val.json"), Path.Combine(Root, "val"));
        }

        private readonly TempDir _temp = new();

        public string Root => _temp.Path;
        public CocoDetectionDataset Train { get; }
        public CocoDetectionDataset Val { get; }

        public void Dispose() => _temp.Dispose();
    }

    private readonly SmallSet _set;

    public TrainingLoopTests(SmallSet set) => _set = set;

    private TrainingOptions Tiny(int iterations, int? stopAt = null) => new()
    {
        Model = new RetinaNetConfig
        {
            Backbone = "resnet18",
            BackboneWidth = 1.0 / 8,
            BackboneNorm = NormKind.GroupNorm,
            TrainableBackboneLayers = 5,
            NumClasses = _set.Train.Classes.Count,
            FpnChannels = 32,
            HeadDepth = 1,
            AnchorSizes = [8, 16, 32, 64, 128],
            MinSize = 64,
            MaxSize = 64,
            BoxLoss = BoxLossKind.SmoothL1,
        },
        Optimizer = "adamw",
        LearningRate = 5e-3f,
        ImagesPerStep = 8,
        Iterations = iterations,
        StopAtIteration = stopAt,
        WarmupIterations = 2,
        Schedule = ScheduleKind.Cosine,
        TrainMinSizes = [64],
        Threads = 2,
        Seed = 13,
        LogEvery = 1,
        CheckpointEvery = 0,
    };

    private static List<double> Losses(string runDir) =>
        MetricsLog.Read(Path.Combine(runDir, "metrics.jsonl")).Steps.Select(s => s.Loss).ToList();

    [Fact]
    public void Loss_falls_and_the_model_finds_objects()
    {
        var dir = Path.Combine(_set.Root, "run-learn");
        var result = new Trainer(Tiny(100), _set.Train, dir).Run();
        Assert.Equal(StopReason.Completed, result.StopReason);
        var losses = Losses(dir);
        double first = losses.Take(5).Average(), last = losses.TakeLast(5).Average();
        Assert.True(last < 0.6 * first, $"loss went from {first:F3} to {last:F3}");
        using var detector = RetinaNetDetector.Load(result.LastCheckpoint);
        var eval = DetectorEvaluation.Evaluate(detector.Model, _set.Val);
        // Chance level for random boxes on this set is AP50 < 0.01.
        Assert.True(eval.AP50 > 0.05, $"AP50 {eval.AP50:F3} after training");
    }

    [Fact]
    public void Resume_continues_bit_for_bit()
    {
        var straight = Path.Combine(_set.Root, "run-straight");
        var split = Path.Combine(_set.Root, "run-split");
        new Trainer(Tiny(8), _set.Train, straight).Run();
        var first = new Trainer(Tiny(8, stopAt: 3), _set.Train, split).Run();
        Assert.Equal(StopReason.Paused, first.StopReason);
        var second = new Trainer(Tiny(8), _set.Train, split).Run(resume: true);
        Assert.Equal(8, second.Iterations);
        using var a = Checkpoint.Load(Path.Combine(straight, "last.safetensors"));
        using var b = Checkpoint.Load(Path.Combine(split, "last.safetensors"));
        Assert.Equal(a.Tensors.Keys.ToList(), b.Tensors.Keys.ToList());
        foreach (var key in a.Tensors.Keys)
            Assert.True(a.Tensors[key].ToBytes().AsSpan().SequenceEqual(b.Tensors[key].ToBytes()), $"{key} differs after resume");
        Assert.Equal(Losses(straight), Losses(split));
    }

    private sealed class CancelAt(int iteration, CancellationTokenSource cts) : ITrainingObserver
    {
        public void OnStep(TrainingProgress progress)
        {
            if (progress.Iteration == iteration) cts.Cancel();
        }

        public void OnEvaluation(int iteration, IReadOnlyDictionary<string, double> metrics) { }
        public void OnMessage(string message) { }
    }

    [Fact]
    public void Cancelling_saves_a_checkpoint_that_resumes_bit_for_bit()
    {
        var straight = Path.Combine(_set.Root, "run-straight-cancel");
        var cancelled = Path.Combine(_set.Root, "run-cancelled");
        new Trainer(Tiny(6), _set.Train, straight).Run();
        using var cts = new CancellationTokenSource();
        // What Ctrl-C does in `retina train`: the token is cancelled while a step is running.
        var first = new Trainer(Tiny(6), _set.Train, cancelled) { Observer = new CancelAt(2, cts) }.Run(cancellation: cts.Token);
        Assert.Equal(StopReason.Cancelled, first.StopReason);
        Assert.Equal(2, first.Iterations);
        using (var saved = Checkpoint.Load(first.LastCheckpoint)) Assert.Equal(2, TrainingState.FromJson(saved.Metadata.TrainerStateJson!, "checkpoint").Iteration);
        var second = new Trainer(Tiny(6), _set.Train, cancelled).Run(resume: true);
        Assert.Equal(6, second.Iterations);
        using var a = Checkpoint.Load(Path.Combine(straight, "last.safetensors"));
        using var b = Checkpoint.Load(Path.Combine(cancelled, "last.safetensors"));
        foreach (var key in a.Tensors.Keys)
            Assert.True(a.Tensors[key].ToBytes().AsSpan().SequenceEqual(b.Tensors[key].ToBytes()), $"{key} differs after resume");
        Assert.Equal(Losses(straight), Losses(cancelled));
    }

    [Fact]
    public void Checkpoint_round_trips_model_config_and_class_names()
    {
        var options = Tiny(1);
        using var model = new RetinaNet(options.Model, seed: 5);
        var path = Path.Combine(_set.Root, "roundtrip.safetensors");
        var names = _set.Train.Classes.Select(c => c.Name).ToList();
        Checkpoint.Save(path, model, null, new CheckpointMetadata
        {
            ClassNames = names, TrainingOptionsJson = options.ToJson(), TrainerStateJson = new TrainingState(7, new LoaderPosition(1, 2)).ToJson(),
        });
        using var detector = RetinaNetDetector.Load(path);
        Assert.Equal(options.Model.FpnChannels, detector.Model.Config.FpnChannels);
        Assert.Equal(names, detector.ClassNames);
        foreach (var ((ka, ta), (kb, tb)) in model.StateDict().Zip(detector.Model.StateDict()))
        {
            Assert.Equal(ka, kb);
            Assert.True(ta.ToBytes().AsSpan().SequenceEqual(tb.ToBytes()), $"{ka} changed");
        }
        using var ck = Checkpoint.Load(path);
        Assert.Equal(new LoaderPosition(1, 2), TrainingState.FromJson(ck.Metadata.TrainerStateJson!, path).Loader);
    }

    [Fact]
    public void Non_finite_losses_skip_steps_then_stop_keeping_the_last_good_checkpoint()
    {
        var dir = Path.Combine(_set.Root, "run-diverge");
        // An absurd learning rate makes the weights infinite after the first update, so every later loss is NaN.
        var options = Tiny(20) with { LearningRate = 1e38f, Optimizer = "sgd", WarmupIterations = 0, CheckpointEvery = 1, MaxNonFiniteSteps = 3 };
        var messages = new List<string>();
        var result = new Trainer(options, _set.Train, dir) { Observer = new Collect(messages) }.Run();
        Assert.Equal(StopReason.Diverged, result.StopReason);
        Assert.Equal(3, messages.Count(m => m.Contains("non-finite loss, step skipped")));
        using var ck = Checkpoint.Load(result.LastCheckpoint);
        // The checkpoint is the one written after the last successful step, not the diverged state.
        Assert.Equal(1, TrainingState.FromJson(ck.Metadata.TrainerStateJson!, result.LastCheckpoint).Iteration);
    }

    private sealed class Collect(List<string> messages) : ITrainingObserver
    {
        public void OnStep(TrainingProgress progress) { }
        public void OnEvaluation(int iteration, IReadOnlyDictionary<string, double> metrics) { }
        public void OnMessage(string message) => messages.Add(message);
    }
}
