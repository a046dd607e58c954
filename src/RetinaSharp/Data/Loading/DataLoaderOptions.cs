using RetinaSharp.Data.Transforms;

namespace RetinaSharp.Data.Loading;

/// <summary>How a <see cref="DetectionDataLoader"/> orders, augments and prefetches batches.</summary>
public sealed record DataLoaderOptions
{
    public int BatchSize { get; init; } = 2;

    /// <summary>Shuffle the order every epoch (deterministically from <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Only put images of the same orientation in a batch (width &lt; height, or width ≥ height),
    /// like torchvision's GroupedBatchSampler with two groups, so less of the batch is padding.
    /// </summary>
    public bool GroupByAspectRatio { get; init; } = true;

    /// <summary>
    /// Only put images of the same padded size in a batch, so every image's result is exactly what
    /// it would be alone (normalisation layers and border pixels then never see another image's
    /// padding). Used for evaluation; overrides <see cref="GroupByAspectRatio"/>.
    /// </summary>
    public bool GroupByPaddedSize { get; init; }

    /// <summary>Random horizontal flip and, when the transform lists several MinSizes, a random shorter side per image.</summary>
    public bool Augment { get; init; } = true;

    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Leave out an epoch's incomplete batches (one per aspect group at most) instead of yielding them smaller.</summary>
    public bool DropIncomplete { get; init; }

    public TransformOptions Transform { get; init; } = TransformOptions.Default;

    /// <summary>Threads building batches in the background; 0 builds them on the reading thread (then each resize runs in parallel).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Most batches built ahead of the reader and not yet taken (bounds memory).</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>Seeds shuffling and augmentation; the same seed gives the same batches whatever the thread timing.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// This process's place among <see cref="WorldSize"/> data-parallel processes: each batch of the
    /// plan (of <see cref="BatchSize"/> images, the global batch) is cut into WorldSize contiguous
    /// slices and this loader yields slice <see cref="Rank"/>, padded to the size of the whole batch,
    /// so the slices together are exactly the batch one process would read.
    /// </summary>
    public int Rank { get; init; }

    /// <summary>How many processes share each batch (1: the whole batch is this loader's).</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>Reuse the buffers of disposed batches.</summary>
    public bool ReuseBuffers { get; init; } = true;

    /// <summary>For evaluation and inference: data set order, no augmentation, the evaluation size.</summary>
    public static DataLoaderOptions Evaluation(int batchSize = 1, TransformOptions? transform = null) => new()
    {
        BatchSize = batchSize,
        Shuffle = false,
        GroupByAspectRatio = false,
        GroupByPaddedSize = true,
        Augment = false,
        Transform = transform ?? TransformOptions.Default,
    };

    public void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize {BatchSize} is not positive.");
        if (Workers < 0) throw new ArgumentException($"Workers {Workers} is negative.");
        if (WorldSize <= 0 || Rank < 0 || Rank >= WorldSize) throw new ArgumentException($"Rank {Rank} is not in 0..{WorldSize - 1}.");
        if (Prefetch <= 0) throw new ArgumentException($"Prefetch {Prefetch} is not positive.");
        if (!(FlipProbability >= 0 && FlipProbability <= 1)) throw new ArgumentException($"FlipProbability {FlipProbability} is not in [0, 1].");
        Transform.Validate();
    }
}
