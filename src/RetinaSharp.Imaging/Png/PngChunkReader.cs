using System.Buffers.Binary;

namespace RetinaSharp.Imaging.Png;

/// <summary>
/// Walks the chunks after the signature, checking that each fits in the input, has a well-formed type and,
/// for critical chunks, a correct CRC. Ancillary chunks are returned unchecked because the decoder skips them.
/// </summary>
internal ref struct PngChunkReader(ReadOnlySpan<byte> file, int offset)
{
    private const int Overhead = 12; // length, type, CRC

    private readonly ReadOnlySpan<byte> _file = file;
    private int _offset = offset;

    /// <summary>False at the end of the input; throws for a chunk that is cut off or damaged.</summary>
    public bool TryRead(out PngChunk chunk)
    {
        chunk = default;
        int remaining = _file.Length - _offset;
        if (remaining == 0) return false;
        if (remaining < Overhead)
            throw new InvalidImageException($"Truncated chunk header at offset {_offset}: {remaining} bytes left, a chunk needs at least {Overhead}.");
        var head = _file.Slice(_offset, 8);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(head);
        uint type = BinaryPrimitives.ReadUInt32BigEndian(head[4..]);
        for (int i = 4; i < 8; i++)
        {
            if (!char.IsAsciiLetter((char)head[i]))
                throw new InvalidImageException($"Invalid chunk type 0x{type:X8} at offset {_offset} (not four ASCII letters).");
        }
        string name = PngChunk.NameOf(type);
        if (length > int.MaxValue)
            throw new InvalidImageException($"Chunk {name} at offset {_offset} declares length {length}, over the PNG maximum of 2^31-1.");
        if (length > remaining - Overhead)
            throw new InvalidImageException($"Truncated {name} chunk at offset {_offset}: it declares {length} data bytes but only {remaining - Overhead} remain.");
        var data = _file.Slice(_offset + 8, (int)length);
        chunk = new PngChunk(type, data, _offset);
        if (chunk.IsCritical)
        {
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(_file[(_offset + 8 + (int)length)..]);
            uint computed = Crc32.Update(Crc32.Update(0xFFFFFFFFu, head[4..]), data) ^ 0xFFFFFFFFu;
            if (stored != computed)
                throw new InvalidImageException($"Bad CRC in chunk {name} at offset {_offset} (stored 0x{stored:X8}, computed 0x{computed:X8}).");
        }
        _offset += Overhead + (int)length;
        return true;
    }
}
