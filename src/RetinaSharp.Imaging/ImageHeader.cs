using System.Buffers.Binary;

namespace RetinaSharp.Imaging;

/// <summary>
/// Reads an image's size from its file header without decoding the pixels, so that a data set of
/// thousands of images can learn their sizes (for box clipping and aspect-ratio grouping) quickly.
/// </summary>
public static class ImageHeader
{
    /// <summary>Width and height from a PNG IHDR or a JPEG SOF segment; throws <see cref="InvalidImageException"/> naming the file.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        ImageFile.RefuseIfNotRegular(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
            return ReadSize(stream);
        }
        catch (InvalidImageException e)
        {
            throw new InvalidImageException($"{path}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException($"{path}: cannot read file: {e.Message}", e);
        }
    }

    /// <summary>Width and height from the header at the stream's position.</summary>
    public static (int Width, int Height) ReadSize(Stream stream)
    {
        Span<byte> head = stackalloc byte[24];
        int n = ReadUpTo(stream, head);
        if (PngDecoder.IsPng(head[..n]))
        {
            if (n < 24 || head[12] != (byte)'I' || head[13] != (byte)'H' || head[14] != (byte)'D' || head[15] != (byte)'R')
                throw new InvalidImageException("PNG header is truncated or does not start with IHDR.");
            return Checked(BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..]));
        }
        if (JpegDecoder.IsJpeg(head[..n]))
        {
            stream.Seek(2 - n, SeekOrigin.Current);
            return ReadJpegSize(stream);
        }
        throw new InvalidImageException("Not a PNG or JPEG file (unrecognised signature).");
    }

    private static (int, int) ReadJpegSize(Stream stream)
    {
        Span<byte> buf = stackalloc byte[7];
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0) break;
            if (b != 0xFF) throw new InvalidImageException($"JPEG marker expected at byte {stream.Position - 1}.");
            int marker;
            do marker = stream.ReadByte(); while (marker == 0xFF);
            if (marker < 0) break;
            // Markers without a length: TEM, RSTn, SOI.
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;
            if (marker == 0xD9 || marker == 0xDA) throw new InvalidImageException("JPEG has no frame header (SOF) before its scan data.");
            if (ReadUpTo(stream, buf[..2]) < 2) break;
            int length = BinaryPrimitives.ReadUInt16BigEndian(buf);
            if (length < 2) throw new InvalidImageException($"JPEG segment 0xFF{marker:X2} has length {length}.");
            bool isFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (isFrame)
            {
                if (length < 8 || ReadUpTo(stream, buf[..5]) < 5) break;
                return Checked(BinaryPrimitives.ReadUInt16BigEndian(buf[3..]), BinaryPrimitives.ReadUInt16BigEndian(buf[1..]));
            }
            stream.Seek(length - 2, SeekOrigin.Current);
        }
        throw new InvalidImageException("JPEG is truncated before its frame header (SOF).");
    }

    private static (int, int) Checked(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new InvalidImageException($"Header gives a size of {width}x{height}.");
        return (width, height);
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
