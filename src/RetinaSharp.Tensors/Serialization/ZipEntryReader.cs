using System.IO.Compression;

namespace RetinaSharp.Tensors.Serialization;

/// <summary>
/// Reads entries of one zip archive without trusting their headers: what an entry declares is held
/// against what the archive can plausibly expand to before memory is set aside, and the data is
/// streamed into a buffer that grows only as bytes actually arrive, never past the declared size.
/// </summary>
internal sealed class ZipEntryReader
{
    /// <summary>
    /// torch.save stores its entries uncompressed, and deflate shrinks float weights by well under 2:1;
    /// only long runs of equal bytes get near deflate's limit of about 1000:1, which is what a zip bomb is.
    /// </summary>
    private const long MaxExpansion = 64;

    /// <summary>Allowance on top, so that small archives of highly compressible tensors still load.</summary>
    private const long ExpansionSlack = 16L << 20;

    private const int MinFirstBuffer = 64 << 10;

    private readonly long _archiveBytes;
    private readonly long _limit;
    private readonly string _source;
    private long _used;

    public ZipEntryReader(long archiveBytes, string source)
    {
        _archiveBytes = archiveBytes;
        _limit = archiveBytes > (long.MaxValue - ExpansionSlack) / MaxExpansion ? long.MaxValue : archiveBytes * MaxExpansion + ExpansionSlack;
        _source = source;
    }

    /// <summary>The first <paramref name="count"/> bytes of <paramref name="entry"/> (at most its declared length).</summary>
    public byte[] Read(ZipArchiveEntry entry, long count)
    {
        if (count < 0 || count > entry.Length)
            throw new CheckpointFormatException($"{_source}: entry '{entry.FullName}' holds {entry.Length} bytes, {count} wanted.");
        if (count > Array.MaxLength)
            throw new CheckpointFormatException($"{_source}: entry '{entry.FullName}' is {count} bytes, more than one entry may be ({Array.MaxLength} bytes).");
        if (count > _limit - _used)
            throw new CheckpointFormatException(
                $"{_source}: entry '{entry.FullName}' declares {count} bytes, which with the {_used} already read is more than a {_archiveBytes}-byte archive may expand to ({_limit} bytes); refusing a possible zip bomb.");
        _used += count;

        using var stream = entry.Open();
        // A stored entry needs exactly its compressed size; anything larger is first taken on trust only
        // as far as the compressed data reaches, so that a header that overstates the size costs nothing.
        long plausible = Math.Max(Math.Min(entry.CompressedLength, _archiveBytes), MinFirstBuffer);
        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(count, plausible));
        int filled = 0;
        while (filled < count)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
                throw new CheckpointFormatException($"{_source}: entry '{entry.FullName}' ends after {filled} bytes; its header declares {entry.Length}.");
            filled += n;
        }
        if (count == entry.Length && stream.ReadByte() >= 0)
            throw new CheckpointFormatException($"{_source}: entry '{entry.FullName}' holds more than the {entry.Length} bytes its header declares.");
        return buffer;
    }
}
