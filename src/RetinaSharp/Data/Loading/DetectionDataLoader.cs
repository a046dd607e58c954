using RetinaSharp.Data.Transforms;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Loading;

/// <summary>
/// Turns a data set into a stream of padded, augmented batches, built ahead on worker threads.
/// <para>
/// Everything random is a function of (seed, epoch, sample index): the epoch's order and grouping
/// come from (seed, epoch), each image's flip and scale from (seed, epoch, sample). So a run gives
/// the same batches with any number of workers, and reading from a <see cref="LoaderPosition"/>
/// in a new loader continues exactly where an earlier one was. With
/// <see cref="DataLoaderOptions.WorldSize"/> &gt; 1 each process reads its slice of the same batches.
/// </para>
/// </summary>
public sealed class DetectionDataLoader : IDisposable
{
    private readonly IDetectionDataset _dataset;
    private readonly BatchPlanner _planner;
    private readonly DetectionTransform _transform;
    private readonly FloatBufferPool? _pool;
    private readonly HashSet<BatchPrefetcher> _active = [];
    private readonly object _planGate = new();
    private (int Epoch, int[][] Plan)? _lastPlan;
    private bool _disposed;

    public DetectionDataLoader(IDetectionDataset dataset, DataLoaderOptions? options = null)
    {
        Options = options ?? new DataLoaderOptions();
        Options.Validate();
        _dataset = dataset;
        _transform = new DetectionTransform(Options.Transform);
        var groups = Groups(dataset, Options, _transform);
        _planner = new BatchPlanner(groups, Options.BatchSize, Options.Shuffle, Options.DropIncomplete, Options.Seed);
        if (Options.ReuseBuffers) _pool = new FloatBufferPool(Options.Prefetch + Math.Max(1, Options.Workers) + 2);
    }

    public DataLoaderOptions Options { get; }

    private static int[] Groups(IDetectionDataset dataset, DataLoaderOptions options, DetectionTransform transform)
    {
        var groups = new int[dataset.Count];
        if (options.GroupByPaddedSize)
        {
            var keys = new ImageSize[groups.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                var size = dataset.GetInfo(i).Size;
                keys[i] = size.IsKnown ? DetectionTransform.PaddedSize([transform.ResizedSize(size, transform.EvaluationMinSize)], options.Transform.SizeDivisible) : default;
            }
            return BatchPlanner.Densify(keys);
        }
        if (options.GroupByAspectRatio)
            for (int i = 0; i < groups.Length; i++) groups[i] = BatchPlanner.OrientationOf(dataset.GetInfo(i).Size);
        return groups;
    }

    public IDetectionDataset Dataset => _dataset;

    public DetectionTransform Transform => _transform;

    public int BatchesPerEpoch => _planner.BatchesPerEpoch;

    /// <summary>The sample indices of each batch of an epoch, in order.</summary>
    public IReadOnlyList<int[]> PlanEpoch(int epoch) => Plan(epoch);

    /// <summary>The batches of one epoch from <paramref name="startBatch"/> on.</summary>
    public IEnumerable<DetectionBatch> ReadEpoch(int epoch, int startBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        long first = (long)epoch * BatchesPerEpoch + Math.Min(startBatch, BatchesPerEpoch);
        return Stream(first, (long)(epoch + 1) * BatchesPerEpoch);
    }

    /// <summary>Batches from <paramref name="start"/> on, epoch after epoch, without end.</summary>
    public IEnumerable<DetectionBatch> Read(LoaderPosition start)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start.Epoch);
        if (start.Batch < 0 || start.Batch >= Math.Max(1, BatchesPerEpoch))
            throw new ArgumentOutOfRangeException(nameof(start), $"Batch {start.Batch} is outside 0..{BatchesPerEpoch - 1}.");
        if (BatchesPerEpoch == 0) throw new InvalidOperationException($"{_dataset.Source}: the data set yields no batches ({_dataset.Count} images, batch size {Options.BatchSize}).");
        return Stream((long)start.Epoch * BatchesPerEpoch + start.Batch, long.MaxValue);
    }

    /// <summary>
    /// Builds one batch on the calling thread; null when every image in it was unreadable and
    /// skipped under <see cref="BadSamplePolicy.Skip"/>.
    /// </summary>
    public DetectionBatch? LoadBatch(LoaderPosition position)
    {
        if (position.Batch < 0 || position.Batch >= BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(position), $"Batch {position.Batch} is outside 0..{BatchesPerEpoch - 1}.");
        return Build((long)position.Epoch * BatchesPerEpoch + position.Batch, Environment.ProcessorCount, CancellationToken.None);
    }

    private IEnumerable<DetectionBatch> Stream(long first, long end)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Options.Workers == 0)
        {
            int carried = 0;
            for (long job = first; job < end; job++)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var batch = Build(job, Environment.ProcessorCount, CancellationToken.None);
                if (Counted(job, batch, ref carried)) yield return batch!;
            }
            yield break;
        }
        var prefetcher = new BatchPrefetcher((job, token) => Build(job, 1, token), first, end, Options.Workers, Options.Prefetch);
        lock (_active)
        {
            if (_disposed)
            {
                prefetcher.Dispose();
                throw new ObjectDisposedException(nameof(DetectionDataLoader));
            }
            _active.Add(prefetcher);
        }
        try
        {
            int carried = 0;
            for (long job = first; job < end; job++)
            {
                var batch = prefetcher.Take(job);
                if (Counted(job, batch, ref carried)) yield return batch!;
            }
        }
        finally
        {
            lock (_active) _active.Remove(prefetcher);
            prefetcher.Dispose();
        }
    }

    /// <summary>
    /// Records on the batch how many planned images were left out since the previous one (its own
    /// and those of wholly unreadable batches before it); false when there is no batch to yield.
    /// </summary>
    private bool Counted(long job, DetectionBatch? batch, ref int carried)
    {
        int planned = Slice(Plan((int)(job / BatchesPerEpoch))[(int)(job % BatchesPerEpoch)]).Length;
        if (batch is null)
        {
            carried += planned;
            // Without this a data set whose every image is unreadable would be read forever.
            if (carried > _dataset.Count)
                throw new InvalidDataException($"{_dataset.Source}: none of the last {carried} images could be read ({_dataset.Report.Summary()}).");
            return false;
        }
        batch.SkippedImages = carried + planned - batch.Count;
        carried = 0;
        return true;
    }

    private DetectionBatch? Build(long job, int parallelism, CancellationToken token)
    {
        int bpe = BatchesPerEpoch;
        var position = new LoaderPosition((int)(job / bpe), (int)(job % bpe));
        var next = new LoaderPosition((int)((job + 1) / bpe), (int)((job + 1) % bpe));
        var batch = Plan(position.Epoch)[position.Batch];
        var indices = Slice(batch);
        var samples = new List<PreparedSample>(indices.Length);
        foreach (int index in indices)
        {
            token.ThrowIfCancellationRequested();
            var sample = Prepare(position.Epoch, index);
            if (sample is not null) samples.Add(sample);
        }
        if (Options.WorldSize == 1)
            return samples.Count == 0 ? null : BatchAssembler.Assemble(samples, _transform, _pool, parallelism, position, next);
        // A slice is yielded even when empty: every process takes part in every step.
        return BatchAssembler.Assemble(samples, _transform, _pool, parallelism, position, next, PaddedSizeOf(position.Epoch, batch));
    }

    /// <summary>This loader's contiguous share of a planned batch (all of it unless <see cref="DataLoaderOptions.WorldSize"/> &gt; 1).</summary>
    private int[] Slice(int[] batch)
    {
        if (Options.WorldSize == 1) return batch;
        int start = (int)((long)batch.Length * Options.Rank / Options.WorldSize);
        int end = (int)((long)batch.Length * (Options.Rank + 1) / Options.WorldSize);
        return batch[start..end];
    }

    /// <summary>
    /// The padded size one process would give the whole batch, from the annotated image sizes (an
    /// image of unknown size is decoded to learn it) and each image's scale draw.
    /// </summary>
    private ImageSize PaddedSizeOf(int epoch, int[] batch)
    {
        var sizes = new ImageSize[batch.Length];
        for (int i = 0; i < batch.Length; i++)
        {
            var size = _dataset.GetInfo(batch[i]).Size;
            if (!size.IsKnown)
            {
                try
                {
                    var image = _dataset.LoadImage(batch[i]);
                    size = new ImageSize(image.Height, image.Width);
                }
                catch (InvalidImageException)
                {
                    continue;
                }
            }
            sizes[i] = _transform.ResizedSize(size, Augmentation(epoch, batch[i]).MinSize);
        }
        return DetectionTransform.PaddedSize(sizes, Options.Transform.SizeDivisible);
    }

    private (bool Flip, int MinSize) Augmentation(int epoch, int index)
    {
        if (!Options.Augment) return (false, _transform.EvaluationMinSize);
        var rng = RandomGenerator.ForStream(Options.Seed, (ulong)epoch, (ulong)index);
        bool flip = rng.NextDouble() < Options.FlipProbability;
        var sizes = Options.Transform.MinSizes;
        return (flip, sizes[rng.NextInt(sizes.Count)]);
    }

    private PreparedSample? Prepare(int epoch, int index)
    {
        var info = _dataset.GetInfo(index);
        RgbImage image;
        try
        {
            image = _dataset.LoadImage(index);
        }
        catch (InvalidImageException e)
        {
            var problem = new DatasetProblem(ProblemSeverity.Error, ProblemKind.UnreadableImage, info.FilePath,
                $"sample {index} (image {info.ImageId})", $"cannot decode: {ImageVerifier.WithoutPath(e.Message, info.FilePath)}; left out of its batch");
            if (_dataset.Policy == BadSamplePolicy.Fail) throw new BadSampleException(problem, e);
            if (_dataset.Report.Add(problem)) _dataset.Report.CountSkippedSample();
            return null;
        }
        var actual = new ImageSize(image.Height, image.Width);
        if (info.Size.IsKnown && info.Size != actual)
            _dataset.Report.Add(new DatasetProblem(ProblemSeverity.Warning, ProblemKind.ImageSizeMismatch, info.FilePath,
                $"sample {index} (image {info.ImageId})", $"the annotations give {info.Size} but the image is {actual}; boxes are used as given"));
        var (flip, minSize) = Augmentation(epoch, index);
        return new PreparedSample(index, info.ImageId, image, _dataset.GetAnnotations(index), minSize, flip);
    }

    private int[][] Plan(int epoch)
    {
        lock (_planGate)
        {
            if (_lastPlan is { } last && last.Epoch == epoch) return last.Plan;
        }
        var plan = _planner.Plan(epoch);
        lock (_planGate) _lastPlan = (epoch, plan);
        return plan;
    }

    /// <summary>Stops and joins every background worker; batches already handed out stay valid.</summary>
    public void Dispose()
    {
        BatchPrefetcher[] active;
        lock (_active)
        {
            _disposed = true;
            active = [.. _active];
            _active.Clear();
        }
        foreach (var p in active) p.Dispose();
    }
}
