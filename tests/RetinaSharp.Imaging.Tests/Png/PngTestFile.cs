using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using RetinaSharp.Imaging.Png;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Png;

/// <summary>A PNG as an editable list of chunks, for building well-formed and deliberately broken files.</summary>
internal sealed class PngTestFile
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public List<(string Type, byte[] Data)> Chunks { get; } = [];

    public static PngTestFile Parse(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(Signature));
        var file = new PngTestFile();
        int at = 8;
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            file.Chunks.Add((type, png.AsSpan(at + 8, length).ToArray()));
            at += 12 + length;
        }
        return file;
    }

    /// <summary>A file from IHDR fields and already-filtered scanlines (each starting with its filter byte).</summary>
    public static PngTestFile Create(int width, int height, int depth, int colorType, byte[] scanlines, bool interlaced = false, byte[]? palette = null)
    {
        var file = new PngTestFile();
        file.Chunks.Add(("IHDR", Ihdr(width, height, depth, colorType, interlaced ? 1 : 0)));
        if (palette is not null) file.Chunks.Add(("PLTE", palette));
        file.Chunks.Add(("IDAT", Deflate(scanlines)));
        file.Chunks.Add(("IEND", []));
        return file;
    }

    public static byte[] Ihdr(long width, long height, int depth, int colorType, int interlace = 0, int compression = 0, int filter = 0)
    {
        var d = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4), (uint)height);
        d[8] = (byte)depth;
        d[9] = (byte)colorType;
        d[10] = (byte)compression;
        d[11] = (byte)filter;
        d[12] = (byte)interlace;
        return d;
    }

    public static byte[] Deflate(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        return ms.ToArray();
    }

    public static byte[] Inflate(byte[] compressed)
    {
        using var z = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        z.CopyTo(ms);
        return ms.ToArray();
    }

    public int IndexOf(string type) => Chunks.FindIndex(c => c.Type == type);

    /// <summary>All IDAT payloads joined: the zlib stream.</summary>
    public byte[] IdatStream() => [.. Chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data)];

    /// <summary>Replaces all IDAT chunks by one holding <paramref name="zlib"/>, where the first IDAT was.</summary>
    public void ReplaceIdat(byte[] zlib)
    {
        int first = IndexOf("IDAT");
        Chunks.RemoveAll(c => c.Type == "IDAT");
        Chunks.Insert(first, ("IDAT", zlib));
    }

    /// <summary>Serialises with correct CRCs.</summary>
    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        ms.Write(Signature);
        foreach (var (type, data) in Chunks) WriteChunk(ms, type, data);
        return ms.ToArray();
    }

    public static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        Encoding.ASCII.GetBytes(type, head[4..]);
        s.Write(head);
        s.Write(data);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Update(Crc32.Update(0xFFFFFFFFu, head[4..]), data) ^ 0xFFFFFFFFu);
        s.Write(crc);
    }

    /// <summary>Offset of chunk <paramref name="index"/>'s length field in <see cref="ToBytes"/> output.</summary>
    public int OffsetOf(int index)
    {
        int at = 8;
        for (int i = 0; i < index; i++) at += 12 + Chunks[i].Data.Length;
        return at;
    }
}
