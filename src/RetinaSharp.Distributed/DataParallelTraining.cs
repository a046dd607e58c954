using System.Security.Cryptography;
using System.Text;
using RetinaSharp.Data;
using RetinaSharp.Distributed.Mpi;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Training;

namespace RetinaSharp.Distributed;

/// <summary>
/// The checks that make a data-parallel run equal to one process: what cannot be split refused up
/// front, and every rank's resolved options compared with rank 0's before the first step.
/// </summary>
public static class DataParallelTraining
{
    /// <summary>Throws <see cref="ArgumentException"/> for options that would make the ranks disagree.</summary>
    public static void Validate(TrainingOptions options, int worldSize)
    {
        if (worldSize <= 1) return;
        if (options.Model.BackboneNorm == NormKind.BatchNorm)
            throw new ArgumentException($"trainable BatchNorm takes its statistics from each process's slice of the batch, so {worldSize} processes would not train what one does; use --norm GroupNorm or FrozenBatchNorm under mpirun.");
        if (options.FitScheduleToTime)
            throw new ArgumentException("--time fits the schedule to one process's measured step time, which differs between ranks; give --iterations (or --epochs) under mpirun.");
    }

    /// <summary>
    /// The fingerprint of a run as this rank resolved it: every option that changes the
    /// computation (not the thread counts, which may differ per machine), the training set's size
    /// and classes, and whether it resumes and from which checkpoint.
    /// </summary>
    public static byte[] Fingerprint(TrainingOptions options, IDetectionDataset train, string outputDirectory, bool resume)
    {
        var text = new StringBuilder();
        text.Append((options with { Threads = 0, LoaderWorkers = 0 }).ToJson()).Append('\n');
        text.Append(train.Count).Append('\n');
        foreach (var c in train.Classes) text.Append(c.Name).Append('\t').Append(c.CategoryId).Append('\n');
        var last = new FileInfo(Path.Combine(outputDirectory, "last.safetensors"));
        if (resume && last.Exists) text.Append("resume ").Append(last.Length).Append('\n');
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>
    /// Compares this rank's <see cref="Fingerprint"/> with rank 0's; on every rank, throws
    /// <see cref="InvalidDataException"/> naming the ranks that differ.
    /// </summary>
    public static void CheckSameRun(MpiCommunicator communicator, byte[] fingerprint)
    {
        var primary = (byte[])fingerprint.Clone();
        communicator.Broadcast(primary);
        var differs = communicator.Allgather(primary.AsSpan().SequenceEqual(fingerprint) ? 0 : 1);
        var ranks = new List<int>();
        for (int r = 0; r < differs.Length; r++) if (differs[r] != 0) ranks.Add(r);
        if (ranks.Count > 0)
            throw new InvalidDataException(
                $"rank{(ranks.Count > 1 ? "s" : "")} {string.Join(", ", ranks)} resolved other training options, data or resume state than rank 0; start every rank with the same command, the same data and an --out folder they all see.");
    }
}
