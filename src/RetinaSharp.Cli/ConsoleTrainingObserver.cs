using RetinaSharp.Training;
using Spectre.Console;

namespace RetinaSharp.Cli;

/// <summary>
/// Training progress for the terminal: a live Spectre.Console bar (iteration, ETA, losses, LR,
/// images/s) when output is interactive, and one plain line per logged step otherwise (logs, CI).
/// </summary>
internal sealed class ConsoleTrainingObserver : ITrainingObserver, IDisposable
{
    private readonly bool _interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
    private ProgressTask? _task;
    private Task? _runner;
    private readonly TaskCompletionSource _done = new();
    private readonly Lock _gate = new();

    public void Start(int totalIterations, int startIteration = 0)
    {
        if (!_interactive) return;
        var ready = new TaskCompletionSource();
        // No RemainingTimeColumn: it extrapolates the bar and knows nothing of a time budget; the line's eta does.
        _runner = Task.Run(() => AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                lock (_gate)
                {
                    _task = ctx.AddTask("training", maxValue: totalIterations);
                    _task.Value = startIteration;
                }
                ready.SetResult();
                await _done.Task;
            }));
        ready.Task.Wait();
    }

    public void OnStep(TrainingProgress p)
    {
        string line = $"it {p.Iteration}/{p.TotalIterations}  loss {p.Loss:F4} (cls {p.ClassificationLoss:F4}, box {p.BoxLoss:F4})  lr {p.LearningRate:G3}  {p.ImagesPerSecond:F1} img/s  eta {p.Remaining:hh\\:mm\\:ss}"
            + (p.SkippedImages > 0 ? $"  skipped {p.SkippedImages}" : "");
        lock (_gate)
        {
            if (_task != null)
            {
                // Fitting the schedule to a time budget changes the total after the first steps.
                _task.MaxValue = p.TotalIterations;
                _task.Value = p.Iteration;
                _task.Description = Markup.Escape(line);
                return;
            }
        }
        Console.WriteLine(line);
    }

    public void OnEvaluation(int iteration, IReadOnlyDictionary<string, double> metrics)
    {
        var text = $"eval @ {iteration}: " + string.Join("  ", metrics.Where(m => m.Key is "AP" or "AP50" or "AP75" or "val_classification" or "val_box_regression")
            .Select(m => $"{m.Key} {m.Value:F3}"));
        lock (_gate)
        {
            if (_task != null) { AnsiConsole.MarkupLine(Markup.Escape(text)); return; }
        }
        Console.WriteLine(text);
    }

    public void OnMessage(string message)
    {
        lock (_gate)
        {
            if (_task != null) { AnsiConsole.MarkupLine(Markup.Escape(message)); return; }
        }
        Console.WriteLine(message);
    }

    public void Dispose()
    {
        _done.TrySetResult();
        _runner?.Wait();
    }
}
