using RetinaSharp.Tensors;

namespace RetinaSharp.Training;

/// <summary>
/// What the <see cref="Trainer"/> needs from a group of processes training one model data-parallel:
/// each reads its slice of every batch, the step's numbers and gradients are summed over the group,
/// and every process then takes the same optimiser step. Only <see cref="IsPrimary"/> writes files.
/// Every member must call each method the same number of times in the same order.
/// </summary>
public abstract class DataParallelContext
{
    /// <summary>This process's index, 0..<see cref="WorldSize"/>−1.</summary>
    public abstract int Rank { get; }

    /// <summary>Processes in the group.</summary>
    public abstract int WorldSize { get; }

    /// <summary>Rank 0: the one process that writes checkpoints, metrics and reports.</summary>
    public bool IsPrimary => Rank == 0;

    /// <summary>Replaces each value by its sum over the group.</summary>
    public abstract void SumAcrossRanks(Span<double> values);

    /// <summary>Replaces each value by its maximum over the group.</summary>
    public abstract void MaxAcrossRanks(Span<double> values);

    /// <summary>
    /// Replaces every gradient by its sum over the group. A parameter without a gradient here gets
    /// one when another process has it; one that has none anywhere keeps none, as in one process.
    /// </summary>
    public abstract void SumGradients(IReadOnlyList<Tensor> parameters);
}
