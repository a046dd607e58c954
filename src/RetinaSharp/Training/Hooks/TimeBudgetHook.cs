namespace RetinaSharp.Training.Hooks;

/// <summary>Stops the run (<see cref="StopReason.TimeBudget"/>) once its training time, over all invocations, reaches the budget.</summary>
public sealed class TimeBudgetHook(double seconds) : TrainingHook
{
    public override void BeforeStep(Trainer trainer)
    {
        if (trainer.ElapsedSeconds >= seconds) trainer.RequestStop(StopReason.TimeBudget, "time budget reached");
    }
}
