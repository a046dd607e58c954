using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RetinaSharp.Tensors.Tests.Serialization;

/// <summary>Writes pickle opcodes by hand, so tests can build checkpoints torch.save would never write.</summary>
internal sealed class PickleBuilder
{
    private readonly MemoryStream _s = new();

    public PickleBuilder() => Op(0x80, 2);

    public PickleBuilder Op(params byte[] bytes)
    {
        _s.Write(bytes);
        return this;
    }

    public PickleBuilder Repeat(int count, params byte[] bytes)
    {
        for (int i = 0; i < count; i++) _s.Write(bytes);
        return this;
    }

    /// <summary>BINUNICODE.</summary>
    public PickleBuilder Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(n, b.Length);
        _s.WriteByte((byte)'X');
        _s.Write(n);
        _s.Write(b);
        return this;
    }

    /// <summary>BININT when it fits, else an 8-byte LONG1.</summary>
    public PickleBuilder Int(long v)
    {
        Span<byte> b = stackalloc byte[8];
        if (v is >= int.MinValue and <= int.MaxValue)
        {
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
            _s.WriteByte((byte)'J');
            _s.Write(b[..4]);
        }
        else
        {
            BinaryPrimitives.WriteInt64LittleEndian(b, v);
            _s.WriteByte(0x8a);
            _s.WriteByte(8);
            _s.Write(b);
        }
        return this;
    }

    public PickleBuilder Global(string module, string name) => Op(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    public PickleBuilder Ints(ReadOnlySpan<long> values)
    {
        Op((byte)'(');
        foreach (var v in values) Int(v);
        return Op((byte)'t');
    }

    /// <summary>Leaves a _rebuild_tensor_v2 result on the stack, as torch.save writes one.</summary>
    public PickleBuilder Tensor(string storageKey, long storageNumel, long offset, long[] size, long[] stride, string storageType = "FloatStorage")
    {
        Global("torch._utils", "_rebuild_tensor_v2");
        Op((byte)'(', (byte)'(');
        Str("storage").Global("torch", storageType).Str(storageKey).Str("cpu").Int(storageNumel);
        Op((byte)'t', (byte)'Q');
        Int(offset).Ints(size).Ints(stride);
        Op(0x89);
        Global("collections", "OrderedDict").Op((byte)')', (byte)'R');
        return Op((byte)'t', (byte)'R');
    }

    public byte[] Stop()
    {
        _s.WriteByte((byte)'.');
        return _s.ToArray();
    }
}

/// <summary>Zip archives laid out like torch.save's (archive/data.pkl, archive/data/KEY).</summary>
internal static class TorchZip
{
    public static byte[] Build(byte[] pickle, params (string Key, byte[] Data, bool Deflate)[] storages)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "archive/data.pkl", pickle, deflate: false);
            foreach (var (key, data, deflate) in storages) Add(zip, "archive/data/" + key, data, deflate);
        }
        return ms.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] data, bool deflate)
    {
        var e = zip.CreateEntry(name, deflate ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
        using var s = e.Open();
        s.Write(data);
    }

    /// <summary>Overwrites the uncompressed size that both the local and the central header give for <paramref name="entry"/>.</summary>
    public static void SetDeclaredSize(byte[] zip, string entry, uint size)
    {
        var name = Encoding.UTF8.GetBytes(entry);
        int patched = 0;
        for (int i = 0; i + 46 <= zip.Length; i++)
        {
            uint sig = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (sig == 0x04034b50 && zip.AsSpan(i + 30).StartsWith(name) && BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 26)) == name.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), size);
                patched++;
            }
            else if (sig == 0x02014b50 && zip.AsSpan(i + 46).StartsWith(name) && BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 28)) == name.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
                patched++;
            }
        }
        if (patched != 2) throw new InvalidOperationException($"{entry}: found {patched} headers, expected 2.");
    }

    public static byte[] Floats(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), values[i]);
        return b;
    }
}

/// <summary>Temporary files for one test, removed with it.</summary>
internal sealed class TempFiles : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rs-hostile-{Guid.NewGuid():N}");

    public TempFiles() => Directory.CreateDirectory(_dir);

    public string PathOf(string name) => Path.Combine(_dir, name);

    public string Write(string name, byte[] bytes)
    {
        var p = PathOf(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
