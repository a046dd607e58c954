namespace RetinaSharp.Training.Hooks;

/// <summary>
/// Counts non-finite losses in a row (their steps were skipped) and stops the run as
/// <see cref="StopReason.Diverged"/> after <paramref name="maxInARow"/>: the weights are then
/// suspect, so the last checkpoint written before stays the one kept.
/// </summary>
public sealed class NonFiniteLossGuard(int maxInARow) : TrainingHook
{
    private int _inARow;

    public override void AfterStep(Trainer trainer, StepResult step)
    {
        if (step.IsFinite)
        {
            _inARow = 0;
            return;
        }
        _inARow++;
        trainer.Observer?.OnMessage($"Iteration {trainer.Iteration - 1}: non-finite loss, step skipped ({_inARow} in a row).");
        if (_inARow >= maxInARow) trainer.RequestStop(StopReason.Diverged, $"stopped after {_inARow} non-finite losses in a row; the last good checkpoint is kept");
    }
}
