namespace RetinaSharp.Tensors;

/// <summary>
/// Walks several operands viewed at one (broadcast) shape, one inner run at a time. Dimensions
/// that are contiguous with each other in every operand are merged first, so the inner run is as
/// long as the layouts allow. Offsets and strides are in elements of each operand.
/// </summary>
internal sealed class BroadcastRuns
{
    private readonly int[] _shape;
    private readonly long[][] _strides;
    private readonly int[] _index;
    private readonly long[] _offsets;
    private readonly int _rank;
    private long _remaining;

    /// <param name="shape">The common shape.</param>
    /// <param name="strides">Each operand's strides at that shape (0 on broadcast dimensions).</param>
    public BroadcastRuns(ReadOnlySpan<int> shape, params int[][] strides)
    {
        int ops = strides.Length;
        _shape = new int[Math.Max(shape.Length, 1)];
        _strides = new long[ops][];
        for (int k = 0; k < ops; k++) _strides[k] = new long[_shape.Length];
        int r = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            int n = shape[i];
            if (n == 1) continue;
            bool merge = r > 0;
            for (int k = 0; k < ops && merge; k++)
                merge = _strides[k][r - 1] == (long)strides[k][i] * n;
            if (merge)
            {
                _shape[r - 1] *= n;
                for (int k = 0; k < ops; k++) _strides[k][r - 1] = strides[k][i];
                continue;
            }
            _shape[r] = n;
            for (int k = 0; k < ops; k++) _strides[k][r] = strides[k][i];
            r++;
        }
        if (r == 0)
        {
            _shape[0] = 1;
            for (int k = 0; k < ops; k++) _strides[k][0] = 1;
            r = 1;
        }
        _rank = r;
        _index = new int[r];
        _offsets = new long[ops];
        long outer = 1;
        for (int i = 0; i < r - 1; i++) outer *= _shape[i];
        _remaining = Tensor.CountElements(shape) == 0 ? 0 : outer;
        Inner = _shape[r - 1];
    }

    /// <summary>Length of every inner run.</summary>
    public int Inner { get; }

    /// <summary>Element stride of operand <paramref name="k"/> along the inner run.</summary>
    public long InnerStride(int k) => _strides[k][_rank - 1];

    /// <summary>Offsets of the next run's first element per operand; false when done.</summary>
    public bool Next(Span<long> offsets)
    {
        if (_remaining == 0) return false;
        _offsets.CopyTo(offsets);
        _remaining--;
        for (int d = _rank - 2; d >= 0; d--)
        {
            _index[d]++;
            for (int k = 0; k < _offsets.Length; k++) _offsets[k] += _strides[k][d];
            if (_index[d] < _shape[d]) break;
            for (int k = 0; k < _offsets.Length; k++) _offsets[k] -= _strides[k][d] * _shape[d];
            _index[d] = 0;
        }
        return true;
    }
}
