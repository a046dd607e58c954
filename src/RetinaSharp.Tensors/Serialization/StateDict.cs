using System.Collections;

namespace RetinaSharp.Tensors.Serialization;

/// <summary>
/// Named tensors in file order, as loaded from or saved to a checkpoint. Owns its tensors
/// (disposing it disposes them) unless they were taken out with <see cref="Detach"/>.
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Tensor> _map = new(StringComparer.Ordinal);

    public StateDict() { }

    public StateDict(IEnumerable<KeyValuePair<string, Tensor>> items)
    {
        foreach (var (k, v) in items) Add(k, v);
    }

    /// <summary>Free-form string metadata (safetensors' __metadata__).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public void Add(string name, Tensor tensor)
    {
        if (!_map.TryAdd(name, tensor)) throw new ArgumentException($"Duplicate tensor name '{name}'.");
        tensor.DetachFromScope();
        _order.Add(name);
    }

    public Tensor this[string key] => _map.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"No tensor named '{key}'.");
    public IEnumerable<string> Keys => _order;
    public IEnumerable<Tensor> Values => _order.Select(k => _map[k]);
    public int Count => _order.Count;
    public bool ContainsKey(string key) => _map.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tensor value) => _map.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        foreach (var k in _order) yield return new(k, _map[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A new dictionary of the entries whose names start with <paramref name="prefix"/>, with the prefix removed (tensors shared).</summary>
    public Dictionary<string, Tensor> WithPrefixRemoved(string prefix)
    {
        var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var k in _order)
            if (k.StartsWith(prefix, StringComparison.Ordinal)) d[k[prefix.Length..]] = _map[k];
        return d;
    }

    /// <summary>Removes an entry without disposing it; the caller owns the tensor.</summary>
    public Tensor Detach(string name)
    {
        var t = this[name];
        _map.Remove(name);
        _order.Remove(name);
        return t;
    }

    public void Dispose()
    {
        foreach (var t in _map.Values) t.Dispose();
        _map.Clear();
        _order.Clear();
    }
}
