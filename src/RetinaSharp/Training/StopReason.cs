namespace RetinaSharp.Training;

/// <summary>Why a training run stopped.</summary>
public enum StopReason
{
    /// <summary>All iterations of the schedule ran.</summary>
    Completed,

    /// <summary>The caller cancelled (Ctrl-C); a checkpoint was written and --resume continues.</summary>
    Cancelled,

    /// <summary><see cref="TrainingOptions.StopAtIteration"/> was reached; --resume continues.</summary>
    Paused,

    /// <summary><see cref="TrainingOptions.TimeBudgetSeconds"/> ran out.</summary>
    TimeBudget,

    /// <summary>Too many non-finite losses in a row; the last good checkpoint is kept.</summary>
    Diverged,

    /// <summary>A hook decided that more training would not help (e.g. early stopping).</summary>
    EarlyStopped,
}
