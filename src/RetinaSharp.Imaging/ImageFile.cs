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
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
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
