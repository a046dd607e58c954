using System.Diagnostics;
using System.Text.Json;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Models;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Kernels;
using RetinaSharp.Tensors.Optim;

namespace RetinaSharp.Training;

/// <summary>Evaluates a model during training; returns the COCO numbers (at least "AP").</summary>
public delegate IReadOnlyDictionary<string, double> TrainingEvaluator(RetinaNet model);

/// <summary>
/// Trains a RetinaNet: SGD (or AdamW) with warmup and a multistep or cosine schedule, gradient
/// accumulation and clipping, periodic evaluation, and checkpoints that make a resumed run
/// continue exactly (model, optimiser, schedule position and data order). A non-finite loss skips
/// its step; too many in a row stop the run with the last good checkpoint kept. Cancelling (Ctrl-C)
/// writes a checkpoint before returning.
/// </summary>
public sealed class Trainer(TrainingOptions options, IDetectionSamples train, string outputDirectory)
{
    public TrainingOptions Options { get; } = options;
    public ITrainingObserver? Observer { get; init; }
    public TrainingEvaluator? Evaluator { get; init; }

    public string LastCheckpointPath => Path.Combine(outputDirectory, "last.safetensors");
    public string BestCheckpointPath => Path.Combine(outputDirectory, "best.safetensors");
    public string MetricsPath => Path.Combine(outputDirectory, "metrics.jsonl");

    /// <summary>Builds the model, with weights from a checkpoint, a torchvision state dict, or a backbone.</summary>
    public RetinaNet CreateModel()
    {
        var model = new RetinaNet(Options.Model, Options.Seed);
        if (Options.Weights != null) WeightsLoader.LoadInto(model, Options.Weights);
        if (Options.BackboneWeights != null) WeightsLoader.LoadBackbone(model, Options.BackboneWeights);
        return model;
    }

    public TrainingResult Run(bool resume = false, CancellationToken cancellation = default)
    {
        Options.Validate();
        Directory.CreateDirectory(outputDirectory);
        KernelThreads.MaxThreads = Options.Threads;
        using var model = CreateModel();
        model.Train();
        var parameters = model.TrainableParameters();
        using Optimizer optimizer = Options.Optimizer == "adamw"
            ? new AdamW(parameters, Options.ResolvedLearningRate, weightDecay: Options.WeightDecay)
            : new Sgd(parameters, Options.ResolvedLearningRate, Options.Momentum, Options.WeightDecay);
        LearningRateSchedule schedule = Options.Schedule == ScheduleKind.Cosine
            ? new CosineSchedule(Options.ResolvedLearningRate, Options.Iterations, 0, Options.WarmupIterations, Options.WarmupFactor)
            : new MultiStepSchedule(Options.ResolvedLearningRate, Options.ResolvedLrSteps, 0.1f, Options.WarmupIterations, Options.WarmupFactor);

        var state = new TrainingState(0, 0, 0);
        if (resume && File.Exists(LastCheckpointPath))
        {
            using var ck = Checkpoint.Load(LastCheckpointPath);
            model.LoadStateDict(ck.Model);
            optimizer.LoadStateDict(ck.Optimizer);
            state = ck.State ?? state;
            Observer?.OnMessage($"Resumed from {LastCheckpointPath} at iteration {state.Iteration}.");
        }
        else
        {
            AtomicFile.WriteAllText(Path.Combine(outputDirectory, "config.json"), Options.ToJson());
            if (File.Exists(MetricsPath)) File.Delete(MetricsPath);
        }

        var transform = new DetectionTransform(Options.Model.ImageMean, Options.Model.ImageStd);
        using var loader = new BatchLoader(train, transform, Options.ImagesPerStep, Options.TrainMinSizes, Options.Model.MaxSize,
            Options.HorizontalFlipProbability, Options.Seed, state.Epoch, state.BatchInEpoch, Options.LoaderWorkers);
        var clock = Stopwatch.StartNew();
        double elapsedBefore = state.ElapsedSeconds;
        int iteration = state.Iteration, epoch = state.Epoch, batchInEpoch = state.BatchInEpoch;
        double bestAp = state.BestAp;
        int nonFinite = 0;
        string stopReason = "completed";
        IReadOnlyDictionary<string, double>? metrics = null;
        var window = Stopwatch.StartNew();
        int imagesInWindow = 0;

        TrainingState Snapshot() => new(iteration, epoch, batchInEpoch, bestAp, elapsedBefore + clock.Elapsed.TotalSeconds);
        void SaveLast() => Checkpoint.Save(LastCheckpointPath, model, optimizer, Options, Snapshot(), train.ClassNames, train.CategoryIds);

        using var metricsFile = new StreamWriter(MetricsPath, append: true);
        while (iteration < Options.Iterations)
        {
            if (cancellation.IsCancellationRequested) { stopReason = "cancelled"; break; }
            if (Options.StopAtIteration is int stopAt && iteration >= stopAt) { stopReason = $"paused at iteration {iteration}"; break; }
            if (Options.TimeBudgetSeconds > 0 && elapsedBefore + clock.Elapsed.TotalSeconds >= Options.TimeBudgetSeconds) { stopReason = "time budget reached"; break; }
            optimizer.LearningRate = schedule.At(iteration);
            double cls = 0, box = 0;
            int fg = 0;
            bool finite = true;
            for (int micro = 0; micro < Options.GradientAccumulation; micro++)
            {
                var batch = loader.Next();
                epoch = batch.Epoch;
                batchInEpoch = batch.IndexInEpoch + 1;
                imagesInWindow += batch.Count;
                using var scope = TensorScope.Enter();
                var images = Tensor.FromArray(batch.Images, batch.Count, 3, batch.Height, batch.Width);
                var output = model.ForwardHeads(images);
                var loss = model.ComputeLoss(output, batch.Targets);
                var total = loss.Classification.Add(loss.BoxRegression);
                if (Options.GradientAccumulation > 1) total = total.Mul(1f / Options.GradientAccumulation);
                float value = total.Item();
                if (!float.IsFinite(value))
                {
                    finite = false;
                    Autograd.ReleaseGraph(total);
                    break;
                }
                total.Backward();
                cls += loss.Classification.Item() / Options.GradientAccumulation;
                box += loss.BoxRegression.Item() / Options.GradientAccumulation;
                fg += loss.ForegroundAnchors;
            }
            if (!finite)
            {
                optimizer.ZeroGrad();
                nonFinite++;
                Observer?.OnMessage($"Iteration {iteration}: non-finite loss, step skipped ({nonFinite} in a row).");
                if (nonFinite >= Options.MaxNonFiniteSteps) { stopReason = $"stopped after {nonFinite} non-finite losses in a row; the last good checkpoint is kept"; break; }
                iteration++;
                continue;
            }
            nonFinite = 0;
            if (Options.GradientClipNorm > 0) ClipGradients(parameters, Options.GradientClipNorm);
            optimizer.Step();
            optimizer.ZeroGrad();
            iteration++;

            if (iteration % Options.LogEvery == 0 || iteration == 1 || iteration == Options.Iterations)
            {
                double ips = imagesInWindow / Math.Max(1e-9, window.Elapsed.TotalSeconds);
                var elapsed = TimeSpan.FromSeconds(elapsedBefore + clock.Elapsed.TotalSeconds);
                double perIter = clock.Elapsed.TotalSeconds / Math.Max(1, iteration - state.Iteration);
                var progress = new TrainingProgress(iteration, Options.Iterations, cls + box, cls, box, optimizer.LearningRate, ips, elapsed,
                    TimeSpan.FromSeconds(perIter * (Options.Iterations - iteration)), fg);
                metricsFile.WriteLine(JsonSerializer.Serialize(new
                {
                    iteration, loss = cls + box, classification = cls, box_regression = box, lr = optimizer.LearningRate,
                    images_per_second = ips, seconds = elapsed.TotalSeconds, foreground_anchors = fg,
                }));
                metricsFile.Flush();
                Observer?.OnStep(progress);
                window.Restart();
                imagesInWindow = 0;
            }
            if (Options.CheckpointEvery > 0 && iteration % Options.CheckpointEvery == 0) SaveLast();
            if (Evaluator != null && Options.EvalEvery > 0 && iteration % Options.EvalEvery == 0 && iteration < Options.Iterations)
                metrics = EvaluateAndKeepBest(model, optimizer, iteration, ref bestAp, metricsFile, SaveLast);
        }
        // After a run of non-finite losses the parameters are suspect: keep the last good checkpoint.
        bool diverged = stopReason.StartsWith("stopped after", StringComparison.Ordinal);
        if (!diverged) SaveLast();
        if (Evaluator != null && stopReason == "completed" || Evaluator != null && stopReason == "time budget reached")
            metrics = EvaluateAndKeepBest(model, optimizer, iteration, ref bestAp, metricsFile, SaveLast);
        return new TrainingResult(iteration, TimeSpan.FromSeconds(elapsedBefore + clock.Elapsed.TotalSeconds), LastCheckpointPath,
            File.Exists(BestCheckpointPath) ? BestCheckpointPath : null, metrics, stopReason);
    }

    private IReadOnlyDictionary<string, double> EvaluateAndKeepBest(RetinaNet model, Optimizer optimizer, int iteration, ref double bestAp,
        StreamWriter metricsFile, Action saveLast)
    {
        model.Eval();
        IReadOnlyDictionary<string, double> metrics;
        using (Autograd.NoGrad()) metrics = Evaluator!(model);
        model.Train();
        Observer?.OnEvaluation(iteration, metrics);
        metricsFile.WriteLine(JsonSerializer.Serialize(new { iteration, evaluation = metrics }));
        metricsFile.Flush();
        if (metrics.TryGetValue("AP", out var ap) && ap > bestAp)
        {
            bestAp = ap;
            saveLast();
            File.Copy(LastCheckpointPath, BestCheckpointPath + ".tmp", overwrite: true);
            File.Move(BestCheckpointPath + ".tmp", BestCheckpointPath, overwrite: true);
        }
        return metrics;
    }

    /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/> (torch's clip_grad_norm_).</summary>
    public static double ClipGradients(IReadOnlyList<Tensor> parameters, float maxNorm)
    {
        double sq = 0;
        foreach (var p in parameters)
            if (p.Grad is { } g)
                foreach (var v in g.Data) sq += (double)v * v;
        double norm = Math.Sqrt(sq);
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var p in parameters) p.Grad?.MulInPlace(scale);
        }
        return norm;
    }
}
