using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace RetinaSharp.Tensors.Serialization;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping names to
/// dtype, shape and byte offsets (plus optional string metadata), then the raw little-endian data.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (the format's own limit is 100 MB).</summary>
    private const long MaxHeaderBytes = 100_000_000;

    public static StateDict Load(string path)
    {
        byte[] data;
        using (var file = WeightFile.OpenRead(path))
        {
            try
            {
                data = WeightFile.ReadAll(file, path);
            }
            catch (IOException e)
            {
                throw new CheckpointFormatException($"{path}: cannot read: {e.Message}", e);
            }
        }
        return Load(data, path);
    }

    public static StateDict Load(byte[] data, string source = "safetensors data")
    {
        if (data.Length < 8) throw new CheckpointFormatException($"{source}: too short for a safetensors file.");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLen > MaxHeaderBytes || headerLen > (ulong)(data.Length - 8))
            throw new CheckpointFormatException($"{source}: header length {headerLen} is larger than the file allows.");
        int dataStart = 8 + (int)headerLen;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data.AsMemory(8, (int)headerLen));
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{source}: invalid safetensors header JSON: {e.Message}", e);
        }
        var sd = new StateDict();
        try
        {
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new CheckpointFormatException($"{source}: the header is not a JSON object.");
                long dataLen = data.Length - dataStart;
                // Entries may not overlap, so together they cannot ask for more than the data section holds.
                long claimed = 0;
                foreach (var prop in doc.RootElement.EnumerateObject())
                {
                    if (prop.Name == "__metadata__")
                    {
                        if (prop.Value.ValueKind == JsonValueKind.Object)
                            foreach (var m in prop.Value.EnumerateObject())
                                sd.Metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                        continue;
                    }
                    var what = $"{source}: tensor '{prop.Name}'";
                    var (type, shape, begin, end) = ParseEntry(prop.Value, what);
                    if (begin < 0 || end < begin || end > dataLen) throw new CheckpointFormatException($"{what}: data offsets [{begin}, {end}) are outside the {dataLen}-byte data section.");
                    long numel = ElementConversion.CountElements(shape);
                    int size = ElementConversion.Size(type);
                    if ((end - begin) % size != 0 || numel != (end - begin) / size)
                        throw new CheckpointFormatException($"{what}: {end - begin} bytes do not hold shape {Tensor.FormatShape(shape)} of {type}.");
                    claimed += end - begin;
                    if (claimed > dataLen)
                        throw new CheckpointFormatException($"{what}: the entries overlap: together they claim more than the {dataLen}-byte data section.");
                    var stride = new long[shape.Length];
                    long s = 1;
                    for (int i = shape.Length - 1; i >= 0; i--) { stride[i] = s; s *= shape[i]; }
                    var raw = data.AsSpan(dataStart + (int)begin, (int)(end - begin));
                    sd.Add(prop.Name, ElementConversion.Materialize(raw, type, 0, shape, stride, what));
                }
            }
        }
        catch (Exception e)
        {
            sd.Dispose();
            if (e is CheckpointFormatException) throw;
            if (TorchCheckpoint.IsFormatError(e)) throw new CheckpointFormatException($"{source}: malformed safetensors file: {e.Message}", e);
            throw;
        }
        return sd;
    }

    private static (StoredType, int[], long, long) ParseEntry(JsonElement e, string what)
    {
        try
        {
            var dtype = e.GetProperty("dtype").GetString();
            var type = dtype switch
            {
                "F32" => StoredType.F32, "F64" => StoredType.F64, "F16" => StoredType.F16, "BF16" => StoredType.BF16,
                "I64" => StoredType.I64, "I32" => StoredType.I32, "I16" => StoredType.I16, "I8" => StoredType.I8,
                "U8" => StoredType.U8, "BOOL" => StoredType.Bool,
                _ => throw new CheckpointFormatException($"{what}: unsupported dtype '{dtype}'."),
            };
            var shapeEl = e.GetProperty("shape");
            var shape = new int[shapeEl.GetArrayLength()];
            int i = 0;
            foreach (var d in shapeEl.EnumerateArray())
            {
                long v = d.GetInt64();
                if (v < 0 || v > int.MaxValue) throw new CheckpointFormatException($"{what}: invalid dimension {v}.");
                shape[i++] = (int)v;
            }
            var offs = e.GetProperty("data_offsets");
            if (offs.GetArrayLength() != 2) throw new CheckpointFormatException($"{what}: data_offsets must have two entries.");
            return (type, shape, offs[0].GetInt64(), offs[1].GetInt64());
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CheckpointFormatException($"{what}: malformed header entry: {ex.Message}", ex);
        }
    }

    /// <summary>Serialises tensors (any strides) with optional metadata.</summary>
    public static byte[] Serialize(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, t) in list)
        {
            if (!seen.Add(name)) throw new ArgumentException($"Duplicate tensor name '{name}'.");
            long bytes = t.NumElements * t.DType.ElementSize();
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = t.DType switch { DType.Float32 => "F32", DType.Int64 => "I64", DType.Int32 => "I32", _ => "BOOL" },
                ["shape"] = t.Shape.ToArray(),
                ["data_offsets"] = new[] { offset, offset + bytes },
            };
            offset += bytes;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        int pad = (8 - json.Length % 8) % 8;
        var result = new byte[8 + json.Length + pad + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)(json.Length + pad));
        json.CopyTo(result, 8);
        result.AsSpan(8 + json.Length, pad).Fill((byte)' ');
        int at = 8 + json.Length + pad;
        foreach (var (_, t) in list)
        {
            int bytes = checked((int)(t.NumElements * t.DType.ElementSize()));
            using var c = t.Detach();
            using var cc = c.Contiguous();
            unsafe { new ReadOnlySpan<byte>(cc.DataPointer, bytes).CopyTo(result.AsSpan(at, bytes)); }
            at += bytes;
        }
        return result;
    }

    /// <summary>Writes a safetensors file atomically (temp file, flush, rename).</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var bytes = Serialize(tensors, metadata);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var tmp = full + $".tmp-{Environment.ProcessId}";
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }
}
