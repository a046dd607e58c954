using System.Collections.Concurrent;
using RetinaSharp.Data;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Tensors;

namespace RetinaSharp.Training;

/// <summary>
/// Produces training batches on a background thread into a bounded queue. Order and augmentation
/// depend only on the seed: each epoch's permutation comes from (seed, epoch), each image's flip and
/// scale from (seed, epoch, index), so thread timing changes nothing and a resumed run continues
/// with exactly the batches it would have seen. Batches group images by orientation (wider than
/// tall or not), like torchvision's aspect-ratio grouping.
/// </summary>
public sealed class BatchLoader : IDisposable
{
    private readonly IDetectionSamples _samples;
    private readonly DetectionTransform _transform;
    private readonly int _batchSize;
    private readonly int[] _minSizes;
    private readonly int _maxSize;
    private readonly float _flipProbability;
    private readonly ulong _seed;
    private readonly int _workers;
    private readonly BlockingCollection<TrainingBatch> _queue;
    private readonly CancellationTokenSource _cts = new();
    private readonly Thread _producer;
    private Exception? _failure;

    public BatchLoader(IDetectionSamples samples, DetectionTransform transform, int batchSize, int[] minSizes, int maxSize,
        float flipProbability, ulong seed, int startEpoch = 0, int startBatch = 0, int workers = 1, int prefetch = 3)
    {
        if (samples.Count == 0) throw new ArgumentException("The training set is empty.");
        _samples = samples;
        _transform = transform;
        _batchSize = Math.Min(batchSize, samples.Count);
        _minSizes = minSizes;
        _maxSize = maxSize;
        _flipProbability = flipProbability;
        _seed = seed;
        _workers = Math.Max(1, workers);
        _queue = new BlockingCollection<TrainingBatch>(Math.Max(1, prefetch));
        _producer = new Thread(() => Produce(startEpoch, startBatch)) { IsBackground = true, Name = "RetinaSharp batch loader" };
        _producer.Start();
    }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => Plan(0).Count;

    /// <summary>The next batch (blocks until ready); rethrows a loading error with the sample it concerns.</summary>
    public TrainingBatch Next()
    {
        try
        {
            return _queue.Take(_cts.Token);
        }
        catch (InvalidOperationException) when (_failure != null)
        {
            throw new InvalidDataException($"Loading training data failed: {_failure.Message}", _failure);
        }
    }

    /// <summary>The batches of an epoch as lists of sample indices.</summary>
    public List<int[]> Plan(int epoch)
    {
        var order = new int[_samples.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        RandomGenerator.ForStream(_seed, 0x5EED, (ulong)epoch).Shuffle(order.AsSpan());
        var batches = new List<int[]>();
        var groups = new[] { new List<int>(), new List<int>() };
        foreach (var i in order)
        {
            var (w, h) = _samples.Size(i);
            var g = groups[w >= h ? 0 : 1];
            g.Add(i);
            if (g.Count == _batchSize)
            {
                batches.Add([.. g]);
                g.Clear();
            }
        }
        var rest = groups[0].Concat(groups[1]).ToList();
        for (int i = 0; i + _batchSize <= rest.Count; i += _batchSize) batches.Add(rest.GetRange(i, _batchSize).ToArray());
        return batches;
    }

    private void Produce(int epoch, int batchIndex)
    {
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                var plan = Plan(epoch);
                for (int b = batchIndex; b < plan.Count && !_cts.IsCancellationRequested; b++)
                    _queue.Add(Build(plan[b], epoch, b), _cts.Token);
                epoch++;
                batchIndex = 0;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            _failure = e;
            _queue.CompleteAdding();
        }
    }

    /// <summary>Loads, augments and pads one batch (deterministic for its epoch and indices).</summary>
    public TrainingBatch Build(int[] indices, int epoch, int indexInEpoch)
    {
        int n = indices.Length;
        var images = new TransformedImage[n];
        var targets = new DetectionTarget[n];
        var ids = new long[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = _workers }, k =>
        {
            int idx = indices[k];
            var rng = RandomGenerator.ForStream(_seed, (ulong)epoch + 1, (ulong)idx);
            bool flip = rng.NextDouble() < _flipProbability;
            int minSize = _minSizes[rng.NextInt(_minSizes.Length)];
            var sample = _samples.Load(idx);
            var t = _transform.Apply(sample.Image, minSize, _maxSize, flip);
            images[k] = t;
            targets[k] = new DetectionTarget(
                DetectionTransform.TransformBoxes(sample.Boxes, t, flip),
                sample.Labels,
                DetectionTransform.TransformBoxes(sample.IgnoreRegions, t, flip));
            ids[k] = sample.ImageId;
        });
        var (h, w) = _transform.BatchSize(images);
        var data = _transform.Pad(images, h, w);
        return new TrainingBatch(data, n, h, w, targets,
            images.Select(i => (i.Height, i.Width)).ToArray(),
            images.Select(i => (i.OriginalHeight, i.OriginalWidth)).ToArray(), ids, epoch, indexInEpoch);
    }

    public void Dispose()
    {
        _cts.Cancel();
        _producer.Join(TimeSpan.FromSeconds(10));
        _queue.Dispose();
        _cts.Dispose();
    }
}
