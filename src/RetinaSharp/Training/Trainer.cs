using System.Diagnostics;
using RetinaSharp.Checkpoints;
using RetinaSharp.Data;
using RetinaSharp.Data.Loading;
using RetinaSharp.Losses;
using RetinaSharp.Models;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Kernels;
using RetinaSharp.Tensors.Optim;
using RetinaSharp.Training.Hooks;
using RetinaSharp.Training.Metrics;

namespace RetinaSharp.Training;

/// <summary>Evaluates a model during training; returns the COCO numbers (at least "AP").</summary>
public delegate IReadOnlyDictionary<string, double> TrainingEvaluator(RetinaNet model);

/// <summary>
/// Trains a RetinaNet: a short loop (read a batch, forward, loss, backward, optimiser step) with
/// every policy in a <see cref="TrainingHook"/>, as detectron2's train loop. The default hooks
/// guard against non-finite losses, stop at a pause point or time budget, log metrics, write
/// checkpoints that make a resumed run continue exactly (model, optimiser, schedule, data order,
/// hook state) and, given an evaluator, evaluate and keep the best checkpoint. Data comes from the
/// one <see cref="DetectionDataLoader"/>; unreadable images are skipped and counted under
/// <see cref="BadSamplePolicy.Skip"/>. Cancelling writes a checkpoint before returning.
/// </summary>
public sealed class Trainer(TrainingOptions options, IDetectionDataset train, string outputDirectory)
{
    private readonly Stopwatch _clock = new();
    private double _elapsedBefore;
    private string? _stopMessage;
    private List<TrainingHook> _hooks = [];
    private Optimizer? _optimizer;
    private RetinaNet? _model;
    private MetricsLog? _metrics;
    private LoaderPosition _position;
    private LearningRateSchedule? _schedule;

    /// <summary>The run's options; <see cref="FitSchedule"/> may change the iteration count once the step time is known.</summary>
    public TrainingOptions Options { get; private set; } = options;
    public IDetectionDataset Dataset { get; } = train;
    public string OutputDirectory { get; } = outputDirectory;
    public ITrainingObserver? Observer { get; init; }
    public TrainingEvaluator? Evaluator { get; init; }

    /// <summary>
    /// The process group when this is one of several data-parallel processes (null: alone). Each
    /// then reads its slice of every batch, gradients are summed over the group before the step, and
    /// only the primary writes files.
    /// </summary>
    public DataParallelContext? Parallel { get; init; }

    /// <summary>True in the one process that writes checkpoints, config.json and metrics.jsonl.</summary>
    public bool IsPrimary => Parallel?.IsPrimary ?? true;

    /// <summary>Hooks run after the default ones (e.g. early stopping).</summary>
    public IReadOnlyList<TrainingHook> ExtraHooks { get; init; } = [];

    public string LastCheckpointPath => Path.Combine(OutputDirectory, "last.safetensors");
    public string BestCheckpointPath => Path.Combine(OutputDirectory, "best.safetensors");
    public string MetricsPath => Path.Combine(OutputDirectory, "metrics.jsonl");

    /// <summary>Steps taken so far (the next step's index while hooks run before it).</summary>
    public int Iteration { get; private set; }

    /// <summary>Training time over every invocation of this run.</summary>
    public double ElapsedSeconds => _elapsedBefore + _clock.Elapsed.TotalSeconds;

    /// <summary>Images left out of batches over the run because they could not be read.</summary>
    public int SkippedImages { get; private set; }

    /// <summary>Set once a hook or the caller asked the run to end.</summary>
    public StopReason? Stop { get; private set; }

    public RetinaNet Model => _model ?? throw new InvalidOperationException("The model exists only while the trainer runs.");

    public Optimizer Optimizer => _optimizer ?? throw new InvalidOperationException("The optimiser exists only while the trainer runs.");

    public MetricsLog Metrics => _metrics ?? throw new InvalidOperationException("The metrics log is open only while the trainer runs.");

    /// <summary>Ends the run before the next step; the first request wins.</summary>
    public void RequestStop(StopReason reason, string? message = null)
    {
        if (Stop is not null) return;
        Stop = reason;
        _stopMessage = message;
    }

    /// <summary>Builds the model, with weights from a checkpoint, a torchvision state dict, or a backbone.</summary>
    public RetinaNet CreateModel()
    {
        var model = new RetinaNet(Options.Model, Options.Seed);
        try
        {
            if (Options.Weights != null) Observer?.OnMessage(WeightsLoader.LoadForFineTuning(model, PretrainedWeights.Resolve(Options.Weights, PretrainedWeightsKind.Detector)));
            if (Options.BackboneWeights != null) WeightsLoader.LoadBackbone(model, PretrainedWeights.Resolve(Options.BackboneWeights, PretrainedWeightsKind.Backbone));
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>The loader settings of this run: its batch, augmentation and seed.</summary>
    public DataLoaderOptions LoaderOptions() => new()
    {
        BatchSize = Options.ImagesPerStep,
        Shuffle = true,
        GroupByAspectRatio = true,
        Augment = true,
        FlipProbability = Options.HorizontalFlipProbability,
        Transform = Options.Model.Transform with { MinSizes = Options.TrainMinSizes },
        Workers = Math.Max(1, Options.LoaderWorkers),
        Seed = Options.Seed,
        Rank = Parallel?.Rank ?? 0,
        WorldSize = Parallel?.WorldSize ?? 1,
    };

    private List<TrainingHook> DefaultHooks()
    {
        var hooks = new List<TrainingHook> { new NonFiniteLossGuard(Options.MaxNonFiniteSteps) };
        if (Options.StopAtIteration is int stopAt) hooks.Add(new PauseHook(stopAt));
        if (Options.TimeBudgetSeconds > 0 && Options.FitScheduleToTime) hooks.Add(new ScheduleFitHook(Options.TimeBudgetSeconds));
        if (Options.TimeBudgetSeconds > 0) hooks.Add(new TimeBudgetHook(Options.TimeBudgetSeconds));
        hooks.Add(new MetricsWriterHook(Options.LogEvery));
        if (Evaluator != null) hooks.Add(new ResultsCsvHook());
        hooks.Add(new CheckpointHook(Options.CheckpointEvery));
        if (Evaluator != null) hooks.Add(new EvaluationHook(Evaluator, Options.EvalEvery));
        if (Evaluator != null && Options.Patience > 0) hooks.Add(new EarlyStoppingHook(Options.Patience));
        return hooks;
    }

    public TrainingResult Run(bool resume = false, CancellationToken cancellation = default)
    {
        Options.Validate();
        if (Dataset.Count == 0) throw new InvalidDataException($"{Dataset.Source}: the training set has no usable images ({Dataset.Report.Summary()}).");
        KernelThreads.MaxThreads = Options.Threads;
        _hooks = [.. DefaultHooks(), .. ExtraHooks];
        Stop = null;
        foreach (var warning in Options.Warnings()) Observer?.OnMessage("Warning: " + warning);
        // The model (and any weights file) is checked before the output folder exists, so a bad start leaves nothing behind.
        using var model = CreateModel();
        if (Options.CheckMemory) CheckMemory(model);
        Directory.CreateDirectory(OutputDirectory);
        _model = model;
        model.Train();
        var parameters = model.TrainableParameters();
        using Optimizer optimizer = Options.Optimizer == "adamw"
            ? new AdamW(parameters, Options.ResolvedLearningRate, weightDecay: Options.WeightDecay)
            : new Sgd(parameters, Options.ResolvedLearningRate, Options.Momentum, Options.WeightDecay);
        _optimizer = optimizer;

        var state = TrainingState.Start;
        bool resumed = resume && File.Exists(LastCheckpointPath);
        if (resumed) state = Restore(model, optimizer);
        else if (IsPrimary) AtomicFile.WriteAllText(Path.Combine(OutputDirectory, "config.json"), Options.ToJson());
        if (state.Iterations is int fitted && fitted != Options.Iterations) Options = Options with { Iterations = fitted, WarmupIterations = state.WarmupIterations ?? Options.WarmupIterations };
        _schedule = BuildSchedule();
        Iteration = state.Iteration;
        _position = state.Loader;
        _elapsedBefore = state.ElapsedSeconds;
        SkippedImages = state.SkippedImages;
        if (!resumed && IsPrimary && File.Exists(MetricsPath)) File.Delete(MetricsPath);

        using var metrics = IsPrimary ? new MetricsLog(MetricsPath, append: true) : MetricsLog.Discard(MetricsPath);
        _metrics = metrics;
        using var loader = new DetectionDataLoader(Dataset, LoaderOptions());
        using var batches = loader.Read(_position).GetEnumerator();
        _clock.Restart();
        try
        {
            foreach (var h in _hooks) h.BeforeTrain(this);
            while (Iteration < Options.Iterations)
            {
                if (cancellation.IsCancellationRequested) RequestStop(StopReason.Cancelled, "cancelled");
                foreach (var h in _hooks) if (Stop is null) h.BeforeStep(this);
                if (StopAgreed()) break;
                optimizer.LearningRate = _schedule.At(Iteration);
                var step = RunStep(model, optimizer, batches);
                Iteration++;
                foreach (var h in _hooks) h.AfterStep(this, step);
                if (StopAgreed()) break;
            }
            Stop ??= StopReason.Completed;
            foreach (var h in _hooks) h.AfterTrain(this);
        }
        finally
        {
            _clock.Stop();
            _metrics = null;
            _model = null;
            _optimizer = null;
        }
        var evaluation = _hooks.OfType<EvaluationHook>().FirstOrDefault();
        return new TrainingResult(Iteration, TimeSpan.FromSeconds(ElapsedSeconds), LastCheckpointPath,
            File.Exists(BestCheckpointPath) ? BestCheckpointPath : null, evaluation?.LastMetrics, Stop.Value, SkippedImages);
    }

    /// <summary>Whether the run ends here; in a group, a stop asked for by any process stops them all.</summary>
    private bool StopAgreed()
    {
        if (Parallel is null) return Stop is not null;
        Span<double> reason = [Stop is { } own ? (double)own : -1];
        Parallel.MaxAcrossRanks(reason);
        if (reason[0] >= 0) RequestStop((StopReason)(int)reason[0], Stop is null ? "stopped by another process" : null);
        return Stop is not null;
    }

    private LearningRateSchedule BuildSchedule() => Options.Schedule == ScheduleKind.Cosine
        ? new CosineSchedule(Options.ResolvedLearningRate, Options.Iterations, 0, Options.WarmupIterations, Options.WarmupFactor)
        : new MultiStepSchedule(Options.ResolvedLearningRate, Options.ResolvedLrSteps, 0.1f, Options.WarmupIterations, Options.WarmupFactor);

    /// <summary>
    /// Makes the whole schedule (warmup, decay, default LR steps) span <paramref name="iterations"/>
    /// steps from now on, e.g. to fit a time budget; kept in checkpoints.
    /// </summary>
    public void FitSchedule(int iterations)
    {
        if (iterations <= Iteration) throw new ArgumentOutOfRangeException(nameof(iterations), $"The run is already at iteration {Iteration}.");
        // The warmup keeps its share of the run, so a short budget is not spent warming up.
        int warmup = (int)Math.Round((double)Options.WarmupIterations * iterations / Options.Iterations);
        Options = Options with { Iterations = iterations, WarmupIterations = Math.Min(Options.WarmupIterations, warmup) };
        _schedule = BuildSchedule();
        Observer?.OnMessage($"The schedule now spans {iterations} iterations.");
    }

    private void CheckMemory(RetinaNet model)
    {
        var estimate = MemoryEstimate.Measure(model, Options, Dataset, Options.MemoryLimitBytes > 0 ? Options.MemoryLimitBytes : null);
        long need = estimate.BytesFor(Options.ImagesPerStep);
        string size = $"{estimate.Largest.Width}x{estimate.Largest.Height}";
        if (need <= estimate.AvailableBytes)
        {
            Observer?.OnMessage($"Memory: about {MemoryEstimate.Format(need)} of {MemoryEstimate.Format(estimate.AvailableBytes)} available ({Options.ImagesPerStep} images of up to {size} per step).");
            return;
        }
        int fits = estimate.MaxImagesPerStep;
        string advice = fits > 0
            ? $"use --batch {fits} (with --accumulate {(Options.ImagesPerStep + fits - 1) / fits} to keep the effective batch), a smaller --recipe (tiny, small) or a lower --max-size"
            : "not even one image fits: use a smaller --recipe (tiny, small) or a lower --min-size/--max-size";
        throw new InsufficientMemoryException(
            $"A training step of {Options.ImagesPerStep} images of up to {size} needs about {MemoryEstimate.Format(need)}, but {MemoryEstimate.Format(estimate.AvailableBytes)} are available: {advice}.");
    }

    /// <summary>A message for <see cref="Stop"/> (the hook's own words where it gave some).</summary>
    public string StopMessage => _stopMessage ?? Stop?.ToString() ?? "running";

    private StepResult RunStep(RetinaNet model, Optimizer optimizer, IEnumerator<DetectionBatch> batches)
    {
        double cls = 0, box = 0;
        int fg = 0, images = 0, skipped = 0, unreadableBatches = 0;
        int accumulation = Options.GradientAccumulation;
        for (int micro = 0; micro < accumulation; micro++)
        {
            if (!batches.MoveNext()) throw new InvalidOperationException("The data loader ended; it streams without end.");
            using var batch = batches.Current;
            _position = batch.Next;
            using var scope = TensorScope.Enter();
            RetinaNetLossResult? loss = null;
            Tensor? total = null;
            if (batch.Count > 0)
            {
                var output = model.ForwardHeads(batch);
                var targets = new DetectionTarget[batch.Count];
                for (int i = 0; i < targets.Length; i++) targets[i] = batch.Items[i].ToTarget();
                loss = model.ComputeLoss(output, targets);
                total = loss.Classification.Add(loss.BoxRegression);
            }
            // The loss is a mean over the micro-batch's images; in a group each process's share is weighted by its image count.
            var sums = new MicroBatchSums(batch.Count, total is null || float.IsFinite(total.Item()) ? 0 : 1,
                loss is null ? 0 : (double)loss.Classification.Item() * batch.Count, loss is null ? 0 : (double)loss.BoxRegression.Item() * batch.Count,
                loss?.ForegroundAnchors ?? 0, batch.SkippedImages);
            var global = Parallel is null ? sums : sums.SumOver(Parallel);
            images += global.Images;
            skipped += global.Skipped;
            SkippedImages += global.Skipped;
            if (global.Images == 0)
            {
                // Every image of this batch, on every process, was unreadable: read the next one, as one process skips such a batch.
                if (++unreadableBatches > Dataset.Count)
                    throw new InvalidDataException($"{Dataset.Source}: none of the images of the last {unreadableBatches} batches could be read ({Dataset.Report.Summary()}).");
                micro--;
                continue;
            }
            if (global.NonFinite > 0)
            {
                if (total is not null) Autograd.ReleaseGraph(total);
                optimizer.ZeroGrad();
                // The rest of the step's batches are still consumed, so the data order does not depend on where a loss went bad.
                for (int rest = micro + 1; rest < accumulation && batches.MoveNext(); rest++)
                {
                    using var skippedBatch = batches.Current;
                    _position = skippedBatch.Next;
                    SkippedImages += skippedBatch.SkippedImages;
                }
                return new StepResult(false, double.NaN, double.NaN, double.NaN, 0, images, skipped, optimizer.LearningRate);
            }
            if (total is not null)
            {
                if (Parallel is not null) total = total.Mul((float)((double)batch.Count / global.Images / accumulation));
                else if (accumulation > 1) total = total.Mul(1f / accumulation);
                total.Backward();
            }
            cls += global.Classification / global.Images / accumulation;
            box += global.BoxRegression / global.Images / accumulation;
            fg += global.Foreground;
        }
        Parallel?.SumGradients(optimizer.Groups.SelectMany(g => g.Parameters).ToList());
        if (Options.GradientClipNorm > 0) optimizer.ClipGradNorm(Options.GradientClipNorm);
        optimizer.Step();
        optimizer.ZeroGrad();
        return new StepResult(true, cls + box, cls, box, fg, images, skipped, optimizer.LearningRate);
    }

    private TrainingState Restore(RetinaNet model, Optimizer optimizer)
    {
        using var ck = Checkpoint.Load(LastCheckpointPath);
        model.LoadStateDict(ck.Model);
        optimizer.LoadStateDict(ck.Optimizer);
        foreach (var h in _hooks)
            if (h.Name is { } name && ck.Metadata.HookStates.TryGetValue(name, out var json)) h.LoadState(json);
        var state = ck.Metadata.TrainerStateJson is { } s ? TrainingState.FromJson(s, LastCheckpointPath) : TrainingState.Start;
        Observer?.OnMessage($"Resumed from {LastCheckpointPath} at iteration {state.Iteration}.");
        return state;
    }

    /// <summary>Writes last.safetensors: model, optimiser, run state and every hook's state.</summary>
    public void SaveCheckpoint()
    {
        if (!IsPrimary) return;
        var hookStates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var h in _hooks)
            if (h.Name is { } name && h.SaveState() is { } json) hookStates[name] = json;
        var metadata = new CheckpointMetadata
        {
            ClassNames = [.. Dataset.Classes.Select(c => c.Name)],
            CategoryIds = [.. Dataset.Classes.Select(c => c.CategoryId)],
            TrainingOptionsJson = Options.ToJson(),
            TrainerStateJson = new TrainingState(Iteration, _position, ElapsedSeconds, SkippedImages, Options.Iterations, Options.WarmupIterations).ToJson(),
            HookStates = hookStates,
        };
        Checkpoint.Save(LastCheckpointPath, Model, Optimizer, metadata);
    }

    /// <summary>Writes the current state as last.safetensors and copies it to best.safetensors.</summary>
    public void SaveBestCheckpoint()
    {
        if (!IsPrimary) return;
        SaveCheckpoint();
        File.Copy(LastCheckpointPath, BestCheckpointPath + ".tmp", overwrite: true);
        File.Move(BestCheckpointPath + ".tmp", BestCheckpointPath, overwrite: true);
    }

    /// <summary>Logs an evaluation and passes it to every hook.</summary>
    public void ReportEvaluation(IReadOnlyDictionary<string, double> metrics)
    {
        Observer?.OnEvaluation(Iteration, metrics);
        Metrics.Append(new EvaluationMetrics { Iteration = Iteration, Evaluation = metrics });
        foreach (var h in _hooks) h.AfterEvaluation(this, metrics);
    }
}
