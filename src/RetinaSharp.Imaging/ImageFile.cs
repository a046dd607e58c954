namespace RetinaSharp.Imaging;

/// <summary>Reads and writes image files, choosing the codec from the file's signature.</summary>
public static class ImageFile
{
    public static RgbImage Decode(ReadOnlySpan<byte> data, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        if (PngDecoder.IsPng(data)) return PngDecoder.Decode(data, options);
        if (JpegDecoder.IsJpeg(data)) return JpegDecoder.Decode(data, options);
        throw new InvalidImageException("Not a PNG or JPEG file (unrecognised signature).");
    }

    public static RgbImage Load(string path, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        RefuseIfNotRegular(path);
        byte[] data;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            if (!file.CanSeek) throw new InvalidImageException($"{path}: is a stream, not a regular file; images are only read from regular files.");
            long length = file.Length;
            if (length > options.MaxFileBytes || length > Array.MaxLength)
                throw new InvalidImageException($"{path}: the file is {length} bytes, over the limit of {options.MaxFileBytes} bytes for an image.");
            data = GC.AllocateUninitializedArray<byte>((int)length);
            // A file that grows while it is read is read no further than the length checked above.
            file.ReadExactly(data);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException($"{path}: cannot read file: {e.Message}", e);
        }
        try
        {
            return Decode(data, options);
        }
        catch (InvalidImageException e)
        {
            throw new InvalidImageException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Refuses FIFOs, devices and directories before they are opened: opening a FIFO blocks until some
    /// other process writes to it, and a device such as /dev/zero reports no length and never ends.
    /// </summary>
    internal static void RefuseIfNotRegular(string path)
    {
        var kind = FileKind.DescribeIfNotRegular(path);
        if (kind != null) throw new InvalidImageException($"{path}: is {kind}, not a regular file; images are only read from regular files.");
    }

    public static void SavePng(string path, RgbImage image)
    {
        var bytes = PngEncoder.Encode(image);
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(bytes);
            fs.Flush(true);
        }
        File.Move(tmp, path, overwrite: true);
    }
}
