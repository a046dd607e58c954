using System.Buffers.Binary;
using RetinaSharp.Imaging.Jpeg;

namespace RetinaSharp.Imaging;

/// <summary>
/// Decodes JPEG files to 8-bit RGB: baseline, extended (8-bit) and progressive Huffman-coded
/// images, grayscale or three-component (YCbCr, or RGB when the file says so), with any sampling
/// factors of 1 or 2 and restart intervals. The output matches libjpeg-turbo's defaults (what djpeg,
/// PIL and torchvision produce): the accurate integer IDCT, "fancy" upsampling and JFIF colour
/// conversion. CMYK/YCCK, 12- and 16-bit precision, arithmetic coding, lossless and hierarchical
/// files are refused with an <see cref="InvalidImageException"/> naming what is unsupported.
/// </summary>
/// <remarks>
/// Input is treated as untrusted: every failure is an <see cref="InvalidImageException"/>, the
/// declared size is checked against <see cref="ImageDecodeOptions"/> (and against the file's length)
/// before anything large is allocated, and memory stays below 21·(W+16)·(H+16) bytes for a W×H
/// image (24·(W+16)·(H+16) when an EXIF orientation is applied). Work is bounded too: at most
/// 500 scans, each a single pass over the blocks. Entropy-coded data that is damaged or cut short
/// decodes as far as it goes, as in libjpeg; the rest of the image is left mid-grey.
/// </remarks>
public static class JpegDecoder
{
    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    /// <summary>
    /// Decodes a JPEG file. The pixels are as stored unless <see cref="ImageDecodeOptions.ApplyExifOrientation"/>
    /// is set, in which case they are turned upright according to the EXIF orientation tag.
    /// </summary>
    /// <exception cref="InvalidImageException">The data is not a decodable JPEG, or is over the size limits.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        var reader = new JpegReader(options);
        var image = reader.Decode(data);
        if (options.ApplyExifOrientation && reader.Exif is { } exif)
            image = ExifOrientation.Apply(image, ExifOrientation.Read(data.Slice(exif.Offset, exif.Length)));
        return image;
    }

    /// <summary>
    /// The EXIF orientation (1–8) of a JPEG file, from the first Exif APP1 segment before the image
    /// data: 1 = upright as stored, 3 = rotated 180°, 6 = needs a 90° clockwise turn, 8 = needs a 90°
    /// anticlockwise turn, and 2, 4, 5, 7 the mirrored variants. Returns 1 when there is no such tag
    /// or the file cannot be read that far; it never throws.
    /// </summary>
    public static int ReadExifOrientation(ReadOnlySpan<byte> data)
    {
        if (!IsJpeg(data)) return 1;
        int pos = 2;
        while (pos + 4 <= data.Length)
        {
            if (data[pos] != 0xFF) return 1;
            int code = data[pos + 1];
            if (code == 0xFF) { pos++; continue; }   // fill byte
            if (code == JpegMarker.Sos || code == JpegMarker.Eoi) return 1;
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
            if (length < 2 || pos + 2 + length > data.Length) return 1;
            var segment = data.Slice(pos + 4, length - 2);
            if (code == JpegMarker.App1 && segment.Length >= 6 && segment[..6].SequenceEqual("Exif\0\0"u8))
                return ExifOrientation.Read(segment[6..]);
            pos += 2 + length;
        }
        return 1;
    }
}
