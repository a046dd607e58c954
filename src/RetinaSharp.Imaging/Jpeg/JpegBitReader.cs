using System.Runtime.CompilerServices;

namespace RetinaSharp.Imaging.Jpeg;

/// <summary>
/// Reads the entropy-coded bits of a scan, most significant bit first. It drops the zero byte an
/// encoder stuffs after every 0xFF data byte and stops in front of the next marker. Past a marker or
/// the end of the data it supplies zero bits, as libjpeg does, so a truncated or corrupt segment still
/// decodes; <see cref="Overrun"/> then tells the scan decoder to stop rather than decode padding.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private ulong _buffer;      // unread bits, left-aligned
    private int _bitCount;      // valid bits in _buffer, padding included
    private int _paddingBits;   // zero bits appended after the segment's data ran out
    private bool _stopped;      // at a marker or the end of the data
    private bool _empty;        // the segment is to be skipped entirely

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _position = position;
    }

    /// <summary>The next unread byte; when <see cref="Stopped"/>, the 0xFF that starts the marker (or the end).</summary>
    public readonly int Position => _position;

    /// <summary>True once the reader has reached a marker or the end of the data.</summary>
    public readonly bool Stopped => _stopped;

    /// <summary>True once bits beyond the end of the segment's data have been consumed.</summary>
    public readonly bool Overrun => _empty || _bitCount < _paddingBits;

    /// <summary>Starts a new entropy-coded segment at <paramref name="position"/> (after an RSTn marker).</summary>
    public void Restart(int position)
    {
        _position = position;
        _buffer = 0;
        _bitCount = 0;
        _paddingBits = 0;
        _stopped = false;
        _empty = false;
    }

    /// <summary>
    /// Starts a segment whose restart marker is missing, leaving the reader in front of the marker at
    /// <paramref name="markerPosition"/> (it belongs to a later interval and is matched at the next
    /// boundary). The segment has no data. As in libjpeg, if the previous segment had already run
    /// out, the whole segment is skipped; otherwise its first MCU decodes from zero bits.
    /// </summary>
    public void RestartAtMarker(int markerPosition)
    {
        bool exhausted = Overrun;
        Restart(markerPosition);
        _stopped = true;
        _empty = exhausted;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DecodeHuffman(JpegHuffmanTable table)
    {
        if (_bitCount < 16) Fill();
        int entry = table.Fast[(int)(_buffer >> (64 - JpegHuffmanTable.FastBits))];
        if (entry != 0)
        {
            int length = entry >> 8;
            _buffer <<= length;
            _bitCount -= length;
            return entry & 0xFF;
        }
        return DecodeLongCode(table);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DecodeLongCode(JpegHuffmanTable table)
    {
        int bits = (int)(_buffer >> 48);
        for (int length = JpegHuffmanTable.FastBits + 1; length <= 16; length++)
        {
            int code = bits >> (16 - length);
            if (code <= table.MaxCode[length])
            {
                _buffer <<= length;
                _bitCount -= length;
                return table.Symbols[code + table.SymbolOffset[length]];
            }
        }
        // No code matches: the data is corrupt. Like libjpeg, carry on with symbol 0 (a zero DC
        // difference or an end of block) rather than fail the whole image, having consumed the 17
        // bits libjpeg's search reads before it gives up.
        if (_bitCount < 17) Fill();
        _buffer <<= 17;
        _bitCount -= 17;
        return 0;
    }

    /// <summary>Reads <paramref name="count"/> (1..16) bits as an unsigned number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadBits(int count)
    {
        if (_bitCount < count) Fill();
        int value = (int)(_buffer >> (64 - count));
        _buffer <<= count;
        _bitCount -= count;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadBit()
    {
        if (_bitCount < 1) Fill();
        int value = (int)(_buffer >> 63);
        _buffer <<= 1;
        _bitCount--;
        return value;
    }

    /// <summary>
    /// Reads a <paramref name="size"/>-bit (1..16) magnitude and sign as coded by T.81 F.1.2.1:
    /// values with a leading zero bit are negative.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReceiveExtend(int size)
    {
        int value = ReadBits(size);
        return value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
    }

    /// <summary>Tops the buffer up to more than 56 bits, from the data or with zero padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Fill()
    {
        while (_bitCount <= 56)
        {
            int b = 0;
            if (_stopped)
            {
                _paddingBits += 8;
            }
            else if (_position >= _data.Length)
            {
                _stopped = true;
                continue;
            }
            else
            {
                b = _data[_position];
                if (b != 0xFF)
                {
                    _position++;
                }
                else
                {
                    // 0xFF 0x00 is a data byte 0xFF; any other byte after the 0xFF run is a marker.
                    int next = _position + 1;
                    while (next < _data.Length && _data[next] == 0xFF) next++;
                    if (next < _data.Length && _data[next] == 0)
                    {
                        _position = next + 1;
                    }
                    else
                    {
                        _position = next - 1;
                        _stopped = true;
                        continue;
                    }
                }
            }
            _buffer |= (ulong)(uint)b << (56 - _bitCount);
            _bitCount += 8;
        }
    }
}
