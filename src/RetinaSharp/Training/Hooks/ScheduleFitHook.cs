using System.Diagnostics;

namespace RetinaSharp.Training.Hooks;

/// <summary>
/// Fits the schedule to a time budget (ultralytics' time=): times steps once the first ones (JIT,
/// allocation) are past, then sets the iteration count so that the whole schedule, warmup and decay
/// included, ends inside the budget, leaving a margin for the final checkpoint and evaluation.
/// Steps get slower or faster when the machine's load changes, so every tenth of the budget the
/// recent step time is checked again and the length refitted when the run would end more than a
/// few percent away from its target; a run is not cut off mid-schedule because the machine got
/// busy. The last tenth is left alone: a change there would only jolt the learning rate. A resumed
/// run keeps the fitted length and refits from there.
/// </summary>
public sealed class ScheduleFitHook(double budgetSeconds, int skipSteps = 3, int measureSteps = 10) : TrainingHook
{
    /// <summary>Share of the budget the schedule aims at: the rest is for checkpoints, evaluations and noise.</summary>
    private const double Target = 0.95;

    private readonly Stopwatch _clock = new();
    private int _startIteration = -1;
    private bool _fitted;
    private double _nextCheck;
    private int _windowStart;
    private double _windowStartSeconds;

    public override string Name => "schedule_fit";

    public override void BeforeTrain(Trainer trainer)
    {
        _startIteration = trainer.Iteration;
        if (_fitted) StartWindow(trainer);
    }

    public override void AfterStep(Trainer trainer, StepResult step)
    {
        if (!_fitted)
        {
            int done = trainer.Iteration - _startIteration;
            if (done == skipSteps) _clock.Restart();
            if (done < skipSteps + measureSteps) return;
            double perStep = _clock.Elapsed.TotalSeconds / measureSteps;
            int total = Fit(trainer, perStep);
            _fitted = true;
            trainer.Observer?.OnMessage($"Measured {perStep:F3} s per step: {total} steps fit the {budgetSeconds:F0} s budget.");
            if (total != trainer.Options.Iterations) trainer.FitSchedule(total);
            StartWindow(trainer);
            return;
        }
        double now = trainer.ElapsedSeconds;
        if (now < _nextCheck || now > budgetSeconds * 0.9 || trainer.Iteration >= trainer.Options.Iterations) return;
        int steps = trainer.Iteration - _windowStart;
        if (steps >= 3)
        {
            double recent = (now - _windowStartSeconds) / steps;
            double projectedEnd = now + recent * (trainer.Options.Iterations - trainer.Iteration);
            double goal = budgetSeconds * Target;
            if (projectedEnd > goal * 1.03 || projectedEnd < goal * 0.9)
            {
                int total = Fit(trainer, recent);
                if (total > trainer.Iteration && total != trainer.Options.Iterations)
                {
                    trainer.Observer?.OnMessage($"Steps now take {recent:F3} s: the schedule is refitted to {total} steps.");
                    trainer.FitSchedule(total);
                }
            }
        }
        StartWindow(trainer);
    }

    private int Fit(Trainer trainer, double perStep)
    {
        double left = budgetSeconds * Target - trainer.ElapsedSeconds;
        return trainer.Iteration + Math.Max(1, (int)(left / Math.Max(perStep, 1e-6)));
    }

    private void StartWindow(Trainer trainer)
    {
        _windowStart = trainer.Iteration;
        _windowStartSeconds = trainer.ElapsedSeconds;
        _nextCheck = _windowStartSeconds + budgetSeconds / 10;
    }

    public override string? SaveState() => _fitted ? "fitted" : "";

    public override void LoadState(string json) => _fitted = json == "fitted";
}
