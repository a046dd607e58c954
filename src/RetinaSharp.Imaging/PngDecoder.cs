using System.Buffers;
using RetinaSharp.Imaging.Png;

namespace RetinaSharp.Imaging;

/// <summary>
/// Decodes PNG files of every standard colour type and bit depth, plain or Adam7-interlaced, to 8-bit RGB.
/// </summary>
/// <remarks>
/// <para>
/// The result matches what Python datasets get from <c>Image.open(f).convert("RGB")</c>: alpha (an alpha
/// channel or tRNS) is discarded without compositing, gray is replicated into R, G and B, 1/2/4-bit gray is
/// scaled to 0..255, and 16-bit samples keep their high byte (<c>v &gt;&gt; 8</c>; PIL does the same for
/// 16-bit RGB, RGBA and gray+alpha, though for plain 16-bit gray it clips to 255 instead). Palette indices
/// past the end of PLTE give black. Ancillary chunks (gamma, colour profiles, text, APNG frames) are skipped
/// unchecked; any unknown critical chunk is refused.
/// </para>
/// <para>
/// Input is treated as untrusted: every defect, including sizes over <see cref="ImageDecodeOptions"/>,
/// raises <see cref="InvalidImageException"/>. Memory use is bounded before anything image-sized is
/// allocated. For a declared W x H image with b bits per pixel (1 to 64) the decoder allocates at most
/// <list type="bullet">
/// <item>the result, 3·W·H bytes, where W·H ≤ <see cref="ImageDecodeOptions.MaxPixels"/> and W, H ≤
/// <see cref="ImageDecodeOptions.MaxDimension"/> are checked first;</item>
/// <item>two scanlines of 1 + ⌈W·b/8⌉ bytes each and, for Adam7, one RGB row of 3·W bytes;</item>
/// <item>a contiguous copy of the IDAT payloads, never longer than the input;</item>
/// <item>small change: 32 KiB of inflate staging, the inflater's own fixed-size state, the PLTE entries and a
/// 768-byte lookup table, and 8 bytes per IDAT chunk to remember where the chunks are (a chunk takes at least
/// 12 bytes of input).</item>
/// </list>
/// Scanline, RGB-row, copy and staging buffers come from <see cref="ArrayPool{T}.Shared"/>. In total that is about
/// 3·W·H + 2·⌈W·b/8⌉ + 3·W bytes, plus under 2.5 times the input length (only reached by a file of nothing but
/// empty IDAT chunks), plus 40 KiB. The result is only allocated once the IDAT data could hold the image at all:
/// deflate expands at most 1032-fold, so a file declaring more scanline bytes than 1032 × its IDAT length is
/// rejected first, and a tiny file cannot claim a huge buffer. Inflation stops at exactly the declared size, so a
/// decompression bomb costs no more than an honest file. Decoding time is linear in the input length plus the
/// declared image size.
/// </para>
/// </remarks>
public static class PngDecoder
{
    /// <summary>Upper bound on deflate's expansion: two 1-bit codes (length 258, distance 1) per 258 bytes.</summary>
    private const long MaxDeflateRatio = 1032;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool IsPng(ReadOnlySpan<byte> data) =>
        data.Length >= 8 && data[0] == 0x89 && data[1] == (byte)'P' && data[2] == (byte)'N' && data[3] == (byte)'G';

    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        CheckSignature(data);

        var reader = new PngChunkReader(data, Signature.Length);
        PngHeader? header = null;
        byte[]? palette = null;
        List<(int Start, int Length)>? idat = null;
        long idatLength = 0;
        bool idatClosed = false;
        bool first = true;
        while (true)
        {
            if (!reader.TryRead(out var chunk))
                throw new InvalidImageException(header is null ? "No chunks after the PNG signature." : "Truncated file: no IEND chunk.");
            if (first && chunk.Type != PngChunk.Ihdr)
                throw new InvalidImageException($"First chunk is {chunk.Name}, expected IHDR.");
            first = false;
            if (idat is not null && chunk.Type != PngChunk.Idat) idatClosed = true;

            switch (chunk.Type)
            {
                case PngChunk.Ihdr:
                    if (header is not null) throw new InvalidImageException($"Duplicate IHDR chunk at offset {chunk.Offset}.");
                    var h = PngHeader.Parse(chunk.Data);
                    h.CheckLimits(options);
                    header = h;
                    break;
                case PngChunk.Plte:
                    palette = ReadPalette(chunk, header!.Value, palette, idat is not null);
                    break;
                case PngChunk.Idat:
                    if (idatClosed) throw new InvalidImageException($"IDAT chunks are not consecutive (another IDAT at offset {chunk.Offset}).");
                    if (header!.Value.ColorType == PngColorType.Palette && palette is null)
                        throw new InvalidImageException("Missing PLTE chunk before IDAT in a palette image.");
                    idat ??= [];
                    idat.Add((chunk.Offset + 8, chunk.Data.Length));
                    idatLength += chunk.Data.Length;
                    break;
                case PngChunk.Iend:
                    if (idat is null) throw new InvalidImageException("No IDAT chunk: the file has no image data.");
                    return DecodeImageData(data, header!.Value, palette, idat, idatLength);
                default:
                    if (chunk.IsCritical) throw new InvalidImageException($"Unknown critical chunk {chunk.Name} at offset {chunk.Offset}.");
                    break;
            }
        }
    }

    private static void CheckSignature(ReadOnlySpan<byte> data)
    {
        if (data.Length < Signature.Length)
            throw new InvalidImageException($"File too short for a PNG ({data.Length} bytes).");
        if (data[..Signature.Length].SequenceEqual(Signature)) return;
        if (IsPng(data))
            throw new InvalidImageException("Corrupt PNG signature (line endings altered by a text-mode transfer?).");
        throw new InvalidImageException("Not a PNG file (bad signature).");
    }

    private static byte[] ReadPalette(PngChunk chunk, PngHeader header, byte[]? existing, bool afterIdat)
    {
        if (existing is not null) throw new InvalidImageException($"Duplicate PLTE chunk at offset {chunk.Offset}.");
        if (afterIdat) throw new InvalidImageException($"PLTE chunk at offset {chunk.Offset} comes after IDAT.");
        if (header.ColorType is PngColorType.Gray or PngColorType.GrayAlpha)
            throw new InvalidImageException($"PLTE chunk is not allowed in a grayscale image (colour type {(int)header.ColorType}).");
        int n = chunk.Data.Length;
        if (n == 0 || n % 3 != 0 || n > 256 * 3)
            throw new InvalidImageException($"PLTE chunk length {n} is not a multiple of 3 between 3 and 768.");
        // Truecolour images may carry a suggested palette; it plays no part in decoding.
        return chunk.Data.ToArray();
    }

    /// <summary>Checks the two zlib header bytes here, because the inflater's own complaint about them is obscure.</summary>
    private static void CheckZlibHeader(ReadOnlySpan<byte> data, List<(int Start, int Length)> idat)
    {
        // The header may straddle IDAT chunks, some of them empty.
        Span<byte> head = stackalloc byte[2];
        int n = 0;
        foreach (var (start, length) in idat)
        {
            for (int i = 0; i < length && n < 2; i++) head[n++] = data[start + i];
            if (n == 2) break;
        }
        if (n < 2) return; // a stream this short is reported as truncated by the inflater
        int cmf = head[0], flg = head[1];
        if ((cmf & 0x0F) != 8)
            throw new InvalidImageException($"IDAT zlib stream uses compression method {cmf & 0x0F}, not deflate (8).");
        if (cmf >> 4 > 7)
            throw new InvalidImageException($"IDAT zlib stream declares an invalid window size (CINFO {cmf >> 4}).");
        if ((cmf << 8 | flg) % 31 != 0)
            throw new InvalidImageException($"IDAT zlib header check failed (bytes 0x{cmf:X2} 0x{flg:X2}).");
        if ((flg & 0x20) != 0)
            throw new InvalidImageException("IDAT zlib stream asks for a preset dictionary, which PNG does not allow.");
    }

    private static RgbImage DecodeImageData(ReadOnlySpan<byte> data, PngHeader header, byte[]? palette,
        List<(int Start, int Length)> idat, long idatLength)
    {
        long expected = header.FilteredLength();
        if (expected > idatLength * MaxDeflateRatio)
            throw new InvalidImageException(
                $"Truncated IDAT: {idatLength} compressed bytes cannot hold the {expected} bytes of a {header.Width}x{header.Height} image.");
        CheckZlibHeader(data, idat);
        byte[] compressed = ArrayPool<byte>.Shared.Rent((int)idatLength);
        try
        {
            int at = 0;
            foreach (var (start, length) in idat)
            {
                data.Slice(start, length).CopyTo(compressed.AsSpan(at));
                at += length;
            }
            using var stream = new MemoryStream(compressed, 0, at, writable: false);
            return PngScanlineDecoder.Decode(header, palette, stream);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }
}
