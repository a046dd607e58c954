using System.Diagnostics;
using RetinaSharp.Training.Metrics;

namespace RetinaSharp.Training.Hooks;

/// <summary>
/// Every <paramref name="every"/> steps (and the first and last), writes the step's losses,
/// learning rate and throughput to metrics.jsonl and passes them to the observer.
/// </summary>
public sealed class MetricsWriterHook(int every) : TrainingHook
{
    private readonly Stopwatch _window = new();
    private readonly Stopwatch _run = new();
    private int _images;
    private int _firstIteration;

    public override void BeforeTrain(Trainer trainer)
    {
        _firstIteration = trainer.Iteration;
        _window.Restart();
        _run.Restart();
    }

    public override void AfterStep(Trainer trainer, StepResult step)
    {
        _images += step.Images;
        if (!step.IsFinite) return;
        int iteration = trainer.Iteration, total = trainer.Options.Iterations;
        if (iteration % Math.Max(1, every) != 0 && iteration != 1 && iteration != total) return;
        double ips = _images / Math.Max(1e-9, _window.Elapsed.TotalSeconds);
        double perIteration = _run.Elapsed.TotalSeconds / Math.Max(1, iteration - _firstIteration);
        var elapsed = TimeSpan.FromSeconds(trainer.ElapsedSeconds);
        trainer.Metrics.Append(new StepMetrics
        {
            Iteration = iteration, Loss = step.Loss, Classification = step.ClassificationLoss, BoxRegression = step.BoxLoss,
            LearningRate = step.LearningRate, ImagesPerSecond = ips, Seconds = elapsed.TotalSeconds, ForegroundAnchors = step.ForegroundAnchors,
            SkippedImages = trainer.SkippedImages,
        });
        double remaining = perIteration * (total - iteration);
        // A time budget stops the run at its end whatever the schedule says, so the estimate never passes it.
        double budget = trainer.Options.TimeBudgetSeconds;
        if (budget > 0) remaining = Math.Min(remaining, Math.Max(0, budget - elapsed.TotalSeconds));
        trainer.Observer?.OnStep(new TrainingProgress(iteration, total, step.Loss, step.ClassificationLoss, step.BoxLoss, step.LearningRate, ips, elapsed,
            TimeSpan.FromSeconds(remaining), step.ForegroundAnchors, trainer.SkippedImages));
        _window.Restart();
        _images = 0;
    }
}
