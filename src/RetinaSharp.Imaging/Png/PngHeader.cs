using System.Buffers.Binary;

namespace RetinaSharp.Imaging.Png;

/// <summary>The validated contents of an IHDR chunk and the scanline geometry that follows from it.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    public const int ChunkLength = 13;

    public int Channels => ColorType switch
    {
        PngColorType.Gray or PngColorType.Palette => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

    public int BitsPerPixel => Channels * BitDepth;

    /// <summary>Distance in bytes to the corresponding byte of the pixel on the left, as the filters use it (at least 1).</summary>
    public int FilterStride => Math.Max(1, BitsPerPixel >> 3);

    /// <summary>Bytes of one scanline of <paramref name="pixels"/> pixels, without its filter-type byte.</summary>
    public long RowBytes(int pixels) => ((long)pixels * BitsPerPixel + 7) >> 3;

    /// <summary>Length of the whole inflated image data: every scanline of every pass with its filter byte.</summary>
    public long FilteredLength()
    {
        if (!Interlaced) return Height * (RowBytes(Width) + 1);
        long total = 0;
        for (int p = 0; p < Adam7Pass.Count; p++)
        {
            var pass = Adam7Pass.Get(p);
            int w = pass.Width(Width), h = pass.Height(Height);
            // A pass with no columns or no rows contributes nothing, not even filter bytes.
            if (w > 0 && h > 0) total += h * (RowBytes(w) + 1);
        }
        return total;
    }

    public static PngHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length != ChunkLength)
            throw new InvalidImageException($"IHDR chunk has length {data.Length}, expected {ChunkLength}.");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (width == 0 || width > int.MaxValue)
            throw new InvalidImageException($"IHDR width {width} is out of range (1 to 2147483647).");
        if (height == 0 || height > int.MaxValue)
            throw new InvalidImageException($"IHDR height {height} is out of range (1 to 2147483647).");
        int depth = data[8];
        byte type = data[9];
        var allowed = type switch
        {
            0 => "1, 2, 4, 8, 16",
            3 => "1, 2, 4, 8",
            2 or 4 or 6 => "8, 16",
            _ => throw new InvalidImageException($"Unknown PNG colour type {type}."),
        };
        bool depthOk = type switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            _ => depth is 8 or 16,
        };
        if (!depthOk)
            throw new InvalidImageException($"Bit depth {depth} is not allowed for PNG colour type {type} (allowed: {allowed}).");
        if (data[10] != 0) throw new InvalidImageException($"Unknown PNG compression method {data[10]}.");
        if (data[11] != 0) throw new InvalidImageException($"Unknown PNG filter method {data[11]}.");
        if (data[12] > 1) throw new InvalidImageException($"Unknown PNG interlace method {data[12]}.");
        return new PngHeader((int)width, (int)height, depth, (PngColorType)type, data[12] == 1);
    }

    /// <summary>Rejects images over the caller's limits, or too large to hold, before anything is allocated for them.</summary>
    public void CheckLimits(ImageDecodeOptions options)
    {
        long pixels = (long)Width * Height;
        if (pixels > options.MaxPixels)
            throw new InvalidImageException($"Image {Width}x{Height} exceeds the {options.MaxPixels}-pixel limit.");
        if (Width > options.MaxDimension || Height > options.MaxDimension)
            throw new InvalidImageException($"Image {Width}x{Height} exceeds the maximum dimension {options.MaxDimension}.");
        if (pixels * 3 > Array.MaxLength)
            throw new InvalidImageException($"Image {Width}x{Height} is too large for an in-memory RGB image.");
        if (RowBytes(Width) + 1 > Array.MaxLength)
            throw new InvalidImageException($"Image {Width}x{Height} has scanlines too long to decode.");
    }
}
