using System.Collections.Concurrent;
using System.Text.Json;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Serialization;

namespace RetinaSharp.Tests;

/// <summary>
/// One file of torchvision outputs under Fixtures/primitives (tools/make_primitive_fixtures.py),
/// copied into managed arrays once so theories over its cases do not reload it.
/// </summary>
internal sealed class PrimitiveFixture
{
    private static readonly ConcurrentDictionary<string, PrimitiveFixture> Cache = new();

    private readonly Dictionary<string, float[]> _floats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _longs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _shapes = new(StringComparer.Ordinal);

    private PrimitiveFixture(string file)
    {
        using var sd = SafeTensors.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "primitives", file));
        foreach (var (key, t) in sd)
        {
            _shapes[key] = t.Shape.ToArray();
            if (t.DType == DType.Int64) _longs[key] = t.ToArray<long>();
            else _floats[key] = t.ToArray();
        }
        Cases = JsonSerializer.Deserialize<string[]>(sd.Metadata["cases"])!;
        Keys = [.. sd.Keys];
    }

    public static PrimitiveFixture Get(string file) => Cache.GetOrAdd(file, f => new PrimitiveFixture(f));

    public string[] Cases { get; }
    public string[] Keys { get; }

    public float[] Floats(string key) => _floats.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"No float tensor '{key}'.");

    public long[] Longs(string key) => _longs.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"No int64 tensor '{key}'.");

    public int[] Ints(string key) => [.. Longs(key).Select(v => checked((int)v))];

    public int[] Shape(string key) => _shapes[key];

    public bool Contains(string key) => _shapes.ContainsKey(key);
}
