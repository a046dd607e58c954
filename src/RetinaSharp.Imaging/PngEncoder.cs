using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using RetinaSharp.Imaging.Png;

namespace RetinaSharp.Imaging;

/// <summary>Writes 8-bit PNG files: RGB from an <see cref="RgbImage"/>, or gray and RGBA from raw interleaved bytes.</summary>
public static class PngEncoder
{
    // Splitting IDAT keeps every chunk far from the 2^31 limit and lets readers stream.
    private const int MaxIdatLength = 1 << 20;

    public static byte[] Encode(RgbImage image) => Encode(image, PngEncoderOptions.Default);

    public static byte[] Encode(RgbImage image, PngEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        return EncodeCore(image.Width, image.Height, image.Pixels, PngColorType.Rgb, options);
    }

    /// <summary>Encodes an 8-bit grayscale image from <paramref name="pixels"/>, one byte per pixel, rows top to bottom.</summary>
    public static byte[] EncodeGray(int width, int height, ReadOnlySpan<byte> pixels, PngEncoderOptions? options = null) =>
        EncodeCore(width, height, pixels, PngColorType.Gray, options ?? PngEncoderOptions.Default);

    /// <summary>Encodes an 8-bit RGBA image from <paramref name="pixels"/>, interleaved R, G, B, A (straight alpha).</summary>
    public static byte[] EncodeRgba(int width, int height, ReadOnlySpan<byte> pixels, PngEncoderOptions? options = null) =>
        EncodeCore(width, height, pixels, PngColorType.Rgba, options ?? PngEncoderOptions.Default);

    private static byte[] EncodeCore(int width, int height, ReadOnlySpan<byte> pixels, PngColorType colorType, PngEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var header = new PngHeader(width, height, 8, colorType, Interlaced: false);
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} is not positive.");
        int rowBytes = checked(width * header.Channels);
        if (pixels.Length != checked(rowBytes * height))
            throw new ArgumentException($"Expected {(long)rowBytes * height} bytes for a {width}x{height} image with {header.Channels} channels, got {pixels.Length}.", nameof(pixels));

        using var ms = new MemoryStream();
        ms.Write(Signature);
        Span<byte> ihdr = stackalloc byte[PngHeader.ChunkLength];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;
        ihdr[9] = (byte)colorType;
        ihdr[10] = 0; // deflate
        ihdr[11] = 0; // filter method 0
        ihdr[12] = 0; // no interlace
        WriteChunk(ms, PngChunk.Ihdr, ihdr);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, new ZLibCompressionOptions { CompressionLevel = options.CompressionLevel }, leaveOpen: true))
            {
                WriteScanlines(zlib, pixels, rowBytes, height, header.FilterStride, options.Filter);
            }
            var body = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
            do
            {
                int n = Math.Min(body.Length, MaxIdatLength);
                WriteChunk(ms, PngChunk.Idat, body[..n]);
                body = body[n..];
            }
            while (!body.IsEmpty);
        }
        WriteChunk(ms, PngChunk.Iend, []);
        return ms.ToArray();
    }

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static void WriteScanlines(Stream zlib, ReadOnlySpan<byte> pixels, int rowBytes, int height, int stride, PngFilterStrategy strategy)
    {
        const int candidates = 5;
        var pool = ArrayPool<byte>.Shared;
        byte[] zeros = pool.Rent(rowBytes);
        byte[] scratch = pool.Rent(rowBytes * candidates);
        try
        {
            zeros.AsSpan(0, rowBytes).Clear();
            for (int y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * rowBytes, rowBytes);
                var prior = y == 0 ? zeros.AsSpan(0, rowBytes) : pixels.Slice((y - 1) * rowBytes, rowBytes);
                byte type;
                ReadOnlySpan<byte> filtered;
                if (strategy == PngFilterStrategy.Adaptive)
                {
                    type = 0;
                    long best = long.MaxValue;
                    for (byte t = 0; t < candidates; t++)
                    {
                        var output = scratch.AsSpan(t * rowBytes, rowBytes);
                        PngFilter.Apply(t, row, prior, stride, output);
                        long cost = SumOfMagnitudes(output);
                        if (cost < best)
                        {
                            best = cost;
                            type = t;
                        }
                    }
                    filtered = scratch.AsSpan(type * rowBytes, rowBytes);
                }
                else
                {
                    type = (byte)(strategy - PngFilterStrategy.None);
                    var output = scratch.AsSpan(0, rowBytes);
                    PngFilter.Apply(type, row, prior, stride, output);
                    filtered = output;
                }
                zlib.WriteByte(type);
                zlib.Write(filtered);
            }
        }
        finally
        {
            pool.Return(zeros);
            pool.Return(scratch);
        }
    }

    /// <summary>The usual proxy for how well a filtered row compresses: small signed residuals compress best.</summary>
    private static long SumOfMagnitudes(ReadOnlySpan<byte> filtered)
    {
        long sum = 0;
        foreach (var b in filtered) sum += Math.Abs((int)(sbyte)b);
        return sum;
    }

    private static void WriteChunk(Stream s, uint type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(head[4..], type);
        s.Write(head);
        s.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, head[4..]), data) ^ 0xFFFFFFFFu;
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        s.Write(tail);
    }
}
