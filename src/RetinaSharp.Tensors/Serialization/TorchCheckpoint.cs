using System.Buffers.Binary;
using System.IO.Compression;

namespace RetinaSharp.Tensors.Serialization;

/// <summary>
/// Reads PyTorch files written by torch.save — the zip format (PyTorch ≥ 1.6) and the older
/// "legacy" single-stream format (e.g. the original torchvision ImageNet ResNet weights) — through
/// <see cref="PickleReader"/>, so no code in the file is ever run.
/// </summary>
public static class TorchCheckpoint
{
    private static readonly System.Numerics.BigInteger LegacyMagic =
        System.Numerics.BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);

    /// <summary>Loads a state dict: the top-level dict of tensors, or the one under "model"/"state_dict"/"model_state_dict" in a training checkpoint.</summary>
    public static StateDict LoadStateDict(string path, string? key = null)
    {
        var budget = new ElementBudget(path);
        var root = Load(path, budget);
        var sd = new StateDict();
        var used = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        try
        {
            foreach (var (k, v) in FindStateDict(root, key, path))
            {
                if (v is not Tensor t) continue;
                var name = k.ToString()!;
                if (sd.ContainsKey(name)) throw new CheckpointFormatException($"{path}: two entries are named '{name}'.");
                if (used.Add(t))
                {
                    sd.Add(name, t);
                    continue;
                }
                // Tensors shared between entries get their own copies so each entry owns its tensor.
                budget.Take(t.Shape, $"entry '{name}'");
                sd.Add(name, t.CloneDetached().DetachFromScope());
            }
        }
        catch
        {
            sd.Dispose();
            DisposeOthers(root, [], path);
            throw;
        }
        DisposeOthers(root, used, path);
        if (sd.Count == 0) throw new CheckpointFormatException($"{path}: the checkpoint holds no tensors.");
        return sd;
    }

    /// <summary>Loads the whole pickled object: dictionaries, lists, numbers, strings and tensors.</summary>
    public static object? Load(string path) => Load(path, new ElementBudget(path));

    private static object? Load(string path, ElementBudget budget)
    {
        using var file = WeightFile.OpenRead(path);
        try
        {
            Span<byte> head = stackalloc byte[512];
            head = head[..file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
            if (head.StartsWith("PK\u0003\u0004"u8))
            {
                file.Position = 0;
                return LoadZip(file, path, budget);
            }
            if (head.Length >= 2 && head[0] == 0x80) return LoadLegacy(WeightFile.ReadAll(file, path), path, budget);
            if (head.Length > 262 && head.Slice(257, 5).SequenceEqual("ustar"u8))
                throw new CheckpointFormatException($"{path}: this is a tar-format PyTorch file (PyTorch < 0.4), which is not supported; re-save it with a newer torch.");
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw new CheckpointFormatException($"{path}: malformed checkpoint: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new CheckpointFormatException($"{path}: cannot read: {e.Message}", e);
        }
        throw new CheckpointFormatException($"{path}: not a PyTorch checkpoint (neither a zip archive nor a pickle).");
    }

    /// <summary>Exceptions that malformed input can raise inside the BCL readers; all become one documented type.</summary>
    internal static bool IsFormatError(Exception e) => e is InvalidDataException or InvalidOperationException or ArgumentException
        or OverflowException or IndexOutOfRangeException or KeyNotFoundException or FormatException or InvalidCastException
        or EndOfStreamException or System.Text.Json.JsonException or System.Text.DecoderFallbackException;

    private static object? LoadZip(FileStream file, string path, ElementBudget budget)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException($"{path}: corrupt zip archive: {e.Message}", e);
        }
        using (zip)
        {
            ZipArchiveEntry? pkl = null;
            foreach (var e in zip.Entries)
                if (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl") { pkl = e; break; }
            if (pkl == null) throw new CheckpointFormatException($"{path}: zip archive without data.pkl: not a torch.save file.");
            string prefix = pkl.FullName[..^"data.pkl".Length];
            var entries = new ZipEntryReader(file.Length, path);
            var pickle = entries.Read(pkl, pkl.Length);
            var storages = new Dictionary<string, (StoredType Type, byte[] Bytes)>();
            object? PersistentLoad(PickleTuple pid)
            {
                var r = ParseStoragePid(pid, path);
                if (!storages.ContainsKey(r.Key))
                {
                    var type = ElementConversion.FromTorchStorage(r.TypeName, path);
                    var entry = zip.GetEntry(prefix + "data/" + r.Key)
                                ?? throw new CheckpointFormatException($"{path}: storage '{r.Key}' is missing from the archive.");
                    int size = ElementConversion.Size(type);
                    if (r.NumElements > entry.Length / size)
                        throw new CheckpointFormatException($"{path}: storage '{r.Key}' has {entry.Length} bytes, {r.NumElements} elements of {size} bytes declared.");
                    // Only the declared elements are read: an entry may not make the storage larger than the pickle says.
                    storages[r.Key] = (type, entries.Read(entry, r.NumElements * size));
                }
                return r;
            }
            var reader = new PickleReader(pickle, 0, path, PersistentLoad);
            var root = reader.Load();
            return Materialize(root, storages, path, budget);
        }
    }

    private static object? LoadLegacy(byte[] data, string path, ElementBudget budget)
    {
        object? NoPersistent(PickleTuple _) => throw new CheckpointFormatException($"{path}: unexpected persistent id in the header.");
        var header = new PickleReader(data, 0, path, NoPersistent);
        var magic = header.Load();
        if (magic is not System.Numerics.BigInteger m || m != LegacyMagic)
            throw new CheckpointFormatException($"{path}: not a PyTorch checkpoint (bad magic number).");
        int pos = header.Position;
        var version = new PickleReader(data, pos, path, NoPersistent);
        if (version.Load() is not long v || v != 1001)
            throw new CheckpointFormatException($"{path}: unsupported legacy protocol version.");
        pos = version.Position;
        var sysInfo = new PickleReader(data, pos, path, NoPersistent);
        sysInfo.Load();
        pos = sysInfo.Position;

        var declared = new Dictionary<string, StorageRef>();
        object? PersistentLoad(PickleTuple pid)
        {
            var r = ParseStoragePid(pid, path);
            declared.TryAdd(r.Key, r with { ElementOffset = 0 });
            return r;
        }
        var main = new PickleReader(data, pos, path, PersistentLoad);
        var root = main.Load();
        pos = main.Position;
        var keysReader = new PickleReader(data, pos, path, NoPersistent);
        if (keysReader.Load() is not List<object?> keys)
            throw new CheckpointFormatException($"{path}: missing storage key list.");
        pos = keysReader.Position;

        var storages = new Dictionary<string, (StoredType Type, byte[] Bytes)>();
        foreach (var k in keys)
        {
            var key = k as string ?? throw new CheckpointFormatException($"{path}: storage key is not a string.");
            if (!declared.TryGetValue(key, out var r)) throw new CheckpointFormatException($"{path}: storage '{key}' is not referenced.");
            var type = ElementConversion.FromTorchStorage(r.TypeName, path);
            if (pos + 8 > data.Length) throw new CheckpointFormatException($"{path}: truncated before storage '{key}'.");
            long numel = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(pos, 8));
            pos += 8;
            int size = ElementConversion.Size(type);
            if (numel < 0 || numel > (data.Length - pos) / size)
                throw new CheckpointFormatException($"{path}: storage '{key}' declares {numel} elements, more than the file holds.");
            int bytes = (int)(numel * size);
            storages[key] = (type, data.AsSpan(pos, bytes).ToArray());
            pos += bytes;
        }
        return Materialize(root, storages, path, budget);
    }

    private static StorageRef ParseStoragePid(PickleTuple pid, string path)
    {
        var items = pid.Items;
        if (items.Length < 5 || items[0] as string != "storage")
            throw new CheckpointFormatException($"{path}: unsupported persistent object '{(items.Length > 0 ? items[0] : "")}' (only tensor storages are allowed).");
        var type = items[1] as PickleGlobal ?? throw new CheckpointFormatException($"{path}: storage type is not a torch storage class.");
        var key = items[2]?.ToString() ?? throw new CheckpointFormatException($"{path}: storage without key.");
        if (items[4] is not long numel || numel < 0) throw new CheckpointFormatException($"{path}: storage '{key}' has an invalid size.");
        long viewOffset = 0;
        if (items.Length > 5 && items[5] is PickleTuple view && view.Items.Length >= 2 && view.Items[1] is long off) viewOffset = off;
        if (viewOffset < 0) throw new CheckpointFormatException($"{path}: storage '{key}' is a view at negative offset {viewOffset}.");
        return new StorageRef(type.Name, key, numel, viewOffset);
    }

    /// <summary>Replaces every pending tensor in the object graph by a real tensor (one per distinct description).</summary>
    private static object? Materialize(object? root, Dictionary<string, (StoredType Type, byte[] Bytes)> storages, string path, ElementBudget budget)
    {
        foreach (var (type, bytes) in storages.Values) budget.AddStored(bytes.Length / ElementConversion.Size(type));
        var done = new Dictionary<PendingTensor, Tensor>(ReferenceEqualityComparer.Instance);
        object? Leaf(object? o)
        {
            if (o is not PendingTensor p) return o;
            if (!done.TryGetValue(p, out var t))
            {
                if (!storages.TryGetValue(p.Storage.Key, out var s))
                    throw new CheckpointFormatException($"{path}: storage '{p.Storage.Key}' has no data.");
                budget.Take(p.Shape, $"storage '{p.Storage.Key}'");
                t = ElementConversion.Materialize(s.Bytes, s.Type, p.Offset, p.Shape, p.Stride, $"{path}: storage '{p.Storage.Key}'");
                done[p] = t;
            }
            return t;
        }
        try
        {
            return PickleGraph.Transform(root, Leaf, path);
        }
        catch
        {
            foreach (var t in done.Values) t.Dispose();
            throw;
        }
    }

    private static Dictionary<object, object?> FindStateDict(object? root, string? key, string path)
    {
        if (root is not Dictionary<object, object?> d)
            throw new CheckpointFormatException($"{path}: the checkpoint is a {root?.GetType().Name ?? "None"}, not a dict of tensors.");
        if (key != null)
        {
            return d.TryGetValue(key, out var sub) && sub is Dictionary<object, object?> sd
                ? sd
                : throw new CheckpointFormatException($"{path}: no dict under key '{key}'.");
        }
        foreach (var v in d.Values)
            if (v is Tensor) return d;
        foreach (var candidate in new[] { "model", "state_dict", "model_state_dict", "model_ema" })
            if (d.TryGetValue(candidate, out var sub) && sub is Dictionary<object, object?> sd)
                return sd;
        throw new CheckpointFormatException($"{path}: no tensors at the top level and no 'model' or 'state_dict' entry; keys: {string.Join(", ", d.Keys)}.");
    }

    private static void DisposeOthers(object? root, HashSet<Tensor> keep, string path)
    {
        PickleGraph.Transform(root, o =>
        {
            if (o is Tensor t && !keep.Contains(t)) t.Dispose();
            return o;
        }, path);
    }
}
