namespace RetinaSharp.Training;

/// <summary>
/// A policy plugged into the <see cref="Trainer"/>'s loop (detectron2's HookBase): checkpoints,
/// metrics, evaluation, time budget, divergence guard, progress. Hooks run in the order given, at
/// each of these points; one may end the run with <see cref="Trainer.RequestStop"/>. A hook with
/// a <see cref="Name"/> keeps its state (e.g. the best AP so far) in every checkpoint.
/// </summary>
public abstract class TrainingHook
{
    /// <summary>Key of this hook's state in checkpoints; null when it has none.</summary>
    public virtual string? Name => null;

    public virtual void BeforeTrain(Trainer trainer) { }

    /// <summary>Before each step; <see cref="Trainer.Iteration"/> is the step about to run.</summary>
    public virtual void BeforeStep(Trainer trainer) { }

    /// <summary>After each step; <see cref="Trainer.Iteration"/> already counts it.</summary>
    public virtual void AfterStep(Trainer trainer, StepResult step) { }

    /// <summary>After an evaluation, with its metrics (at least "AP").</summary>
    public virtual void AfterEvaluation(Trainer trainer, IReadOnlyDictionary<string, double> metrics) { }

    /// <summary>Once at the end, whatever the reason (<see cref="Trainer.Stop"/>).</summary>
    public virtual void AfterTrain(Trainer trainer) { }

    /// <summary>The state to keep in a checkpoint, as JSON.</summary>
    public virtual string? SaveState() => null;

    /// <summary>Restores what <see cref="SaveState"/> returned, when resuming.</summary>
    public virtual void LoadState(string json) { }
}
