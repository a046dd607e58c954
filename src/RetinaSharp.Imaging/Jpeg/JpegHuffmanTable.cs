namespace RetinaSharp.Imaging.Jpeg;

/// <summary>
/// A decoding table built from a DHT definition: the number of codes of each length 1..16 and the
/// symbols in code order. Codes are canonical (T.81 annex C), so each length's codes form one
/// consecutive range; short codes are resolved with a single table lookup.
/// </summary>
internal sealed class JpegHuffmanTable
{
    /// <summary>Codes up to this many bits are decoded by one lookup in <see cref="Fast"/>.</summary>
    public const int FastBits = 9;

    /// <summary>
    /// Indexed by the next <see cref="FastBits"/> bits of input: (code length &lt;&lt; 8) | symbol, or 0
    /// when the code is longer than <see cref="FastBits"/> (every real code has a length of at least 1).
    /// </summary>
    public readonly ushort[] Fast = new ushort[1 << FastBits];

    /// <summary>Largest code of each length 0..16, or -1 when there is none of that length.</summary>
    public readonly int[] MaxCode = new int[17];

    /// <summary>Added to a code of each length to get the index of its symbol in <see cref="Symbols"/>.</summary>
    public readonly int[] SymbolOffset = new int[17];

    public readonly byte[] Symbols;

    private JpegHuffmanTable(byte[] symbols) => Symbols = symbols;

    /// <param name="counts">Number of codes of length 1..16 (16 entries).</param>
    /// <param name="symbols">The symbols, shortest codes first.</param>
    /// <param name="isDc">DC tables code a magnitude category, which cannot exceed 15.</param>
    /// <param name="name">Names the table in error messages.</param>
    public static JpegHuffmanTable Create(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols, bool isDc, string name)
    {
        if (counts.Length != 16) throw new ArgumentException("16 code-length counts expected.", nameof(counts));
        int total = 0;
        foreach (var c in counts) total += c;
        if (total > 256) throw new InvalidImageException($"{name} defines {total} codes; at most 256 are possible.");
        if (symbols.Length != total) throw new InvalidImageException($"{name} declares {total} codes but lists {symbols.Length} symbols.");
        if (isDc)
        {
            foreach (var s in symbols)
                if (s > 15) throw new InvalidImageException($"{name} contains DC magnitude category {s}; the largest possible is 15.");
        }

        var table = new JpegHuffmanTable(symbols.ToArray());
        // Assign canonical codes length by length. A length's codes must fit in that many bits and
        // must not use the all-ones pattern, which T.81 reserves (so a prefix is left for longer codes).
        int code = 0;
        int index = 0;
        table.MaxCode[0] = -1;
        for (int length = 1; length <= 16; length++)
        {
            int n = counts[length - 1];
            table.SymbolOffset[length] = index - code;
            if (n == 0)
            {
                table.MaxCode[length] = -1;
            }
            else
            {
                int end = code + n;
                if (end >= 1 << length)
                    throw new InvalidImageException($"{name} is over-subscribed: {n} codes of length {length} do not fit in the code space left by shorter codes (the all-ones code is reserved).");
                if (length <= FastBits)
                {
                    // Every FastBits-bit pattern that starts with one of these codes maps to it.
                    int shift = FastBits - length;
                    for (int i = 0; i < n; i++)
                    {
                        ushort entry = (ushort)((length << 8) | table.Symbols[index + i]);
                        int first = (code + i) << shift;
                        table.Fast.AsSpan(first, 1 << shift).Fill(entry);
                    }
                }
                table.MaxCode[length] = end - 1;
                code = end;
                index += n;
            }
            code <<= 1;
        }
        return table;
    }
}
