using RetinaSharp.Imaging;
using RetinaSharp.Structures;

namespace RetinaSharp.Data;

/// <summary>Reads PNG and JPEG files from disk with <see cref="ImageFile"/>.</summary>
public sealed class FileImageReader(ImageDecodeOptions? options = null) : IImageReader
{
    public static FileImageReader Default { get; } = new();

    public RgbImage Read(string path) => ImageFile.Load(path, options);

    public ImageSize ReadSize(string path)
    {
        var (width, height) = ImageHeader.ReadSize(path);
        return new ImageSize(height, width);
    }

    public bool Exists(string path) => File.Exists(path);
}
