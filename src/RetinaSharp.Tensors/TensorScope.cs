namespace RetinaSharp.Tensors;

/// <summary>
/// Disposes, at the end of a <c>using</c> block, every tensor created inside it on this thread,
/// except those moved out with <see cref="Tensor.MoveToOuterScope"/> or
/// <see cref="Tensor.DetachFromScope"/>. A training step in a scope returns all its activations
/// and gradients to the memory pool, so steady-state training allocates nothing.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly TensorScope? _outer;
    private readonly List<Tensor> _tensors = new(256);
    private bool _disposed;

    private TensorScope()
    {
        _outer = _current;
        _current = this;
    }

    public static TensorScope Enter() => new();

    internal static TensorScope? Current => _current;

    internal TensorScope? Outer => _outer;

    internal void Track(Tensor t) => _tensors.Add(t);

    internal bool Untrack(Tensor t)
    {
        // Tensors leaving a scope are usually the newest ones, so search from the end.
        for (int i = _tensors.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_tensors[i], t))
            {
                _tensors.RemoveAt(i);
                return true;
            }
        }
        return false;
    }

    public int Count => _tensors.Count;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!ReferenceEquals(_current, this))
            throw new InvalidOperationException("Tensor scopes must be disposed in reverse order of creation.");
        _current = _outer;
        foreach (var t in _tensors) t.DisposeFromScope();
        _tensors.Clear();
    }
}
