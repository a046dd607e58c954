namespace RetinaSharp.Training.Hooks;

/// <summary>Ends this invocation at a given iteration (<see cref="StopReason.Paused"/>) while the schedule spans the whole run.</summary>
public sealed class PauseHook(int iteration) : TrainingHook
{
    public override void BeforeStep(Trainer trainer)
    {
        if (trainer.Iteration >= iteration) trainer.RequestStop(StopReason.Paused, $"paused at iteration {trainer.Iteration}");
    }
}
