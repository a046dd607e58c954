using System.Diagnostics;

namespace RetinaSharp.Training.Hooks;

/// <summary>
/// Fits the schedule to a time budget (ultralytics' time=): times steps once the first ones (JIT,
/// allocation) are past, then sets the iteration count so that the whole schedule, warmup and decay
/// included, ends inside the budget, leaving a margin for the final checkpoint and evaluation. Fits
/// once per run; a resumed run keeps the fitted length.
/// </summary>
public sealed class ScheduleFitHook(double budgetSeconds, int skipSteps = 3, int measureSteps = 10) : TrainingHook
{
    private readonly Stopwatch _clock = new();
    private int _startIteration = -1;
    private bool _fitted;

    public override string Name => "schedule_fit";

    public override void BeforeTrain(Trainer trainer) => _startIteration = trainer.Iteration;

    public override void AfterStep(Trainer trainer, StepResult step)
    {
        if (_fitted) return;
        int done = trainer.Iteration - _startIteration;
        if (done == skipSteps) _clock.Restart();
        if (done < skipSteps + measureSteps) return;
        double perStep = _clock.Elapsed.TotalSeconds / measureSteps;
        // 5 % of the budget for the checkpoints, evaluations and noise the measured steps did not see.
        double left = budgetSeconds * 0.95 - trainer.ElapsedSeconds;
        int total = trainer.Iteration + Math.Max(1, (int)(left / Math.Max(perStep, 1e-6)));
        _fitted = true;
        trainer.Observer?.OnMessage($"Measured {perStep:F3} s per step: {total} steps fit the {budgetSeconds:F0} s budget.");
        if (total != trainer.Options.Iterations) trainer.FitSchedule(total);
    }

    public override string? SaveState() => _fitted ? "fitted" : "";

    public override void LoadState(string json) => _fitted = json == "fitted";
}
