namespace RetinaSharp.Training.Hooks;

/// <summary>
/// Writes last.safetensors every <paramref name="every"/> successful steps (0: only at the end) and
/// when the run ends, unless it diverged: then the last good checkpoint is kept.
/// </summary>
public sealed class CheckpointHook(int every) : TrainingHook
{
    public override void AfterStep(Trainer trainer, StepResult step)
    {
        if (step.IsFinite && every > 0 && trainer.Iteration % every == 0) trainer.SaveCheckpoint();
    }

    public override void AfterTrain(Trainer trainer)
    {
        if (trainer.Stop != StopReason.Diverged) trainer.SaveCheckpoint();
    }
}
