namespace RetinaSharp.Data.Loading;

/// <summary>
/// Keeps a few batch buffers for reuse: batch tensors are tens of megabytes, and allocating a new
/// one per batch would keep the garbage collector busy with the large object heap.
/// </summary>
internal sealed class FloatBufferPool(int capacity)
{
    private readonly List<float[]> _free = [];

    /// <summary>A buffer of at least <paramref name="length"/> floats (contents undefined).</summary>
    public float[] Rent(int length)
    {
        lock (_free)
        {
            int best = -1;
            for (int i = 0; i < _free.Count; i++)
                if (_free[i].Length >= length && (best < 0 || _free[i].Length < _free[best].Length)) best = i;
            if (best >= 0)
            {
                var buffer = _free[best];
                _free.RemoveAt(best);
                return buffer;
            }
        }
        return new float[length];
    }

    public void Return(float[] buffer)
    {
        lock (_free)
        {
            if (_free.Count < capacity)
            {
                _free.Add(buffer);
                return;
            }
            // Full: keep the larger buffers, which can serve any request the smaller ones can.
            int smallest = 0;
            for (int i = 1; i < _free.Count; i++)
                if (_free[i].Length < _free[smallest].Length) smallest = i;
            if (_free[smallest].Length < buffer.Length) _free[smallest] = buffer;
        }
    }
}
