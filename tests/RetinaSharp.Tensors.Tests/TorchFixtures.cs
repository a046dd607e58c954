using System.Text.Json;

namespace RetinaSharp.Tensors.Tests;

/// <summary>
/// Reads the reference arrays written by tools/make_op_fixtures.py: a JSON index (name → dtype,
/// shape, byte offset; plus per-case parameters) over one little-endian binary file.
/// </summary>
public sealed class TorchFixtures
{
    private static readonly Lazy<TorchFixtures> LazyOps = new(() => new TorchFixtures("ops"));

    private readonly byte[] _data;
    private readonly JsonElement _tensors;

    public static TorchFixtures Ops => LazyOps.Value;

    private TorchFixtures(string name)
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        _data = File.ReadAllBytes(Path.Combine(dir, name + ".bin"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, name + ".json")));
        var root = doc.RootElement.Clone();
        _tensors = root.GetProperty("tensors");
        Params = root.GetProperty("params");
    }

    /// <summary>Per-case parameters (strides, eps, …) by case name.</summary>
    public JsonElement Params { get; }

    public int[] Shape(string name)
    {
        var e = Entry(name).GetProperty("shape");
        var shape = new int[e.GetArrayLength()];
        for (int i = 0; i < shape.Length; i++) shape[i] = e[i].GetInt32();
        return shape;
    }

    public float[] Floats(string name)
    {
        var e = Entry(name);
        if (e.GetProperty("dtype").GetString() != "float32") throw new InvalidOperationException($"{name} is not float32.");
        int count = Count(name);
        var result = new float[count];
        Buffer.BlockCopy(_data, e.GetProperty("offset").GetInt32(), result, 0, count * 4);
        return result;
    }

    /// <summary>A new float32 tensor holding the named array.</summary>
    public Tensor Tensor(string name) => RetinaSharp.Tensors.Tensor.FromArray(Floats(name), Shape(name));

    public bool Has(string name) => _tensors.TryGetProperty(name, out _);

    private int Count(string name)
    {
        int n = 1;
        foreach (var d in Shape(name)) n *= d;
        return n;
    }

    private JsonElement Entry(string name) =>
        _tensors.TryGetProperty(name, out var e) ? e : throw new KeyNotFoundException($"No fixture array '{name}'.");
}
