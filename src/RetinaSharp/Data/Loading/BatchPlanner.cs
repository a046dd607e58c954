using RetinaSharp.Structures;
using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Loading;

/// <summary>
/// Decides which samples form each batch of an epoch. The order is a shuffle seeded by (seed,
/// epoch); samples are dealt into their groups (orientation for training, padded size for
/// evaluation) in that order and a batch is emitted whenever a group fills up (torchvision's
/// GroupedBatchSampler), then the leftovers, fuller group first (ties: lower group first). The
/// number of batches per epoch does not depend on the epoch.
/// </summary>
internal sealed class BatchPlanner
{
    // Keeps the shuffle stream apart from the per-sample streams, which use the sample index as key.
    private const ulong ShuffleKey = ulong.MaxValue;

    private readonly int[] _groups;
    private readonly int _groupCount;
    private readonly int _batchSize;
    private readonly bool _shuffle;
    private readonly bool _dropIncomplete;
    private readonly ulong _seed;

    /// <param name="groups">Group of each sample, 0..G−1.</param>
    public BatchPlanner(int[] groups, int batchSize, bool shuffle, bool dropIncomplete, ulong seed)
    {
        _groups = groups;
        _batchSize = batchSize;
        _shuffle = shuffle;
        _dropIncomplete = dropIncomplete;
        _seed = seed;
        foreach (var g in groups) _groupCount = Math.Max(_groupCount, g + 1);
        var sizes = new int[_groupCount];
        foreach (var g in groups) sizes[g]++;
        foreach (var n in sizes) BatchesPerEpoch += _dropIncomplete ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    public int BatchesPerEpoch { get; }

    /// <summary>0 for images narrower than tall (w/h &lt; 1), 1 otherwise or when the size is unknown.</summary>
    public static int OrientationOf(ImageSize size) => size.IsKnown && size.Width < size.Height ? 0 : 1;

    /// <summary>Dense group numbers for arbitrary keys, in order of first appearance.</summary>
    public static int[] Densify<T>(IReadOnlyList<T> keys) where T : notnull
    {
        var ids = new Dictionary<T, int>();
        var groups = new int[keys.Count];
        for (int i = 0; i < groups.Length; i++)
        {
            if (!ids.TryGetValue(keys[i], out int g)) ids[keys[i]] = g = ids.Count;
            groups[i] = g;
        }
        return groups;
    }

    public int[][] Plan(int epoch)
    {
        var order = new int[_groups.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (_shuffle) RandomGenerator.ForStream(_seed, (ulong)epoch, ShuffleKey).Shuffle(order.AsSpan());
        var batches = new List<int[]>(BatchesPerEpoch);
        var buffers = new List<int>[_groupCount];
        for (int g = 0; g < buffers.Length; g++) buffers[g] = new List<int>(_batchSize);
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
            var rest = new int[_groupCount];
            for (int g = 0; g < rest.Length; g++) rest[g] = g;
            Array.Sort(rest, (a, b) => buffers[a].Count != buffers[b].Count ? buffers[b].Count.CompareTo(buffers[a].Count) : a.CompareTo(b));
            foreach (int g in rest)
                if (buffers[g].Count > 0) batches.Add([.. buffers[g]]);
        }
        return [.. batches];
    }
}
