using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Loading;

/// <summary>
/// Decides which samples form each batch of an epoch. The order is a shuffle seeded by (seed,
/// epoch); with grouping, samples are dealt into two orientation groups in that order and a batch
/// is emitted whenever a group fills up (torchvision's GroupedBatchSampler), then the leftovers,
/// fuller group first. The number of batches per epoch does not depend on the epoch.
/// </summary>
internal sealed class BatchPlanner
{
    // Keeps the shuffle stream apart from the per-sample streams, which use the sample index as key.
    private const ulong ShuffleKey = ulong.MaxValue;

    private readonly byte[] _groups;
    private readonly int _batchSize;
    private readonly bool _shuffle;
    private readonly bool _dropIncomplete;
    private readonly ulong _seed;

    public BatchPlanner(byte[] groups, int batchSize, bool shuffle, bool dropIncomplete, ulong seed)
    {
        _groups = groups;
        _batchSize = batchSize;
        _shuffle = shuffle;
        _dropIncomplete = dropIncomplete;
        _seed = seed;
        int g1 = 0;
        foreach (var g in groups) g1 += g;
        int g0 = groups.Length - g1;
        BatchesPerEpoch = _dropIncomplete
            ? g0 / batchSize + g1 / batchSize
            : (g0 + batchSize - 1) / batchSize + (g1 + batchSize - 1) / batchSize;
    }

    public int BatchesPerEpoch { get; }

    /// <summary>0 for images narrower than tall (w/h &lt; 1), 1 otherwise or when the size is unknown.</summary>
    public static byte GroupOf(ImageSize size) => size.IsKnown && size.Width < size.Height ? (byte)0 : (byte)1;

    public int[][] Plan(int epoch)
    {
        var order = new int[_groups.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (_shuffle) RandomGenerator.ForStream(_seed, (ulong)epoch, ShuffleKey).Shuffle(order.AsSpan());
        var batches = new List<int[]>(BatchesPerEpoch);
        var buffers = new[] { new List<int>(_batchSize), new List<int>(_batchSize) };
        foreach (int index in order)
        {
            var buffer = buffers[_groups[index]];
            buffer.Add(index);
            if (buffer.Count == _batchSize)
            {
                batches.Add([.. buffer]);
                buffer.Clear();
            }
        }
        if (!_dropIncomplete)
        {
            // Fuller group first, as torchvision completes the largest leftover buffer first.
            int first = buffers[1].Count > buffers[0].Count ? 1 : 0;
            foreach (int g in new[] { first, 1 - first })
                if (buffers[g].Count > 0) batches.Add([.. buffers[g]]);
        }
        return [.. batches];
    }
}
