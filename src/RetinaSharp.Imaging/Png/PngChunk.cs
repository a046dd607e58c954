namespace RetinaSharp.Imaging.Png;

/// <summary>One chunk of a PNG file: its four-letter type packed big-endian, its data, and where it starts.</summary>
internal readonly ref struct PngChunk(uint type, ReadOnlySpan<byte> data, int offset)
{
    public const uint Ihdr = 0x49484452;
    public const uint Plte = 0x504C5445;
    public const uint Idat = 0x49444154;
    public const uint Iend = 0x49454E44;

    public uint Type { get; } = type;
    public ReadOnlySpan<byte> Data { get; } = data;

    /// <summary>Offset of the chunk's length field in the file, for messages.</summary>
    public int Offset { get; } = offset;

    /// <summary>Critical chunks have an upper-case first letter; a decoder must understand them or give up.</summary>
    public bool IsCritical => (Type & 0x20000000u) == 0;

    public string Name => NameOf(Type);

    public static string NameOf(uint type)
    {
        Span<char> name = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            char c = (char)((type >> (24 - 8 * i)) & 0xFF);
            if (!char.IsAsciiLetter(c)) return $"0x{type:X8}";
            name[i] = c;
        }
        return new string(name);
    }
}
