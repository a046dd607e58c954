using RetinaSharp.Data;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;
using RetinaSharp.Testing;

namespace RetinaSharp.Tests.Data;

/// <summary>Image files in a test folder.</summary>
internal static class TempDirImages
{
    /// <summary>Writes a PNG of the given size (pixels from a simple pattern) and returns its full path.</summary>
    public static string WritePng(this TempDir dir, string relative, int width, int height)
    {
        var full = dir[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, PngEncoder.Encode(TestImages.Pattern(width, height, seed: width * 31 + height)));
        return full;
    }
}

internal static class TestImages
{
    public static RgbImage Pattern(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i++) p[i] = (byte)((i * 7 + seed * 13 + (i / 3) * (seed | 1)) % 251);
        return image;
    }
}

/// <summary>An image reader over in-memory images keyed by full path, counting decodes; paths not present are missing files.</summary>
internal sealed class MemoryImageReader : IImageReader
{
    private readonly Dictionary<string, RgbImage> _images = new(StringComparer.Ordinal);
    private readonly HashSet<string> _corrupt = new(StringComparer.Ordinal);
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public void Add(string path, RgbImage image) => _images[System.IO.Path.GetFullPath(path)] = image;

    /// <summary>A file that exists but does not decode.</summary>
    public void AddCorrupt(string path) => _corrupt.Add(System.IO.Path.GetFullPath(path));

    public RgbImage Read(string path)
    {
        Interlocked.Increment(ref _reads);
        if (_corrupt.Contains(path)) throw new InvalidImageException($"{path}: Not a PNG or JPEG file (unrecognised signature).");
        return _images.TryGetValue(path, out var image) ? image : throw new InvalidImageException($"{path}: cannot read file: not found");
    }

    public ImageSize ReadSize(string path)
    {
        if (_corrupt.Contains(path)) throw new InvalidImageException($"{path}: Not a PNG or JPEG file (unrecognised signature).");
        var image = _images[path];
        return new ImageSize(image.Height, image.Width);
    }

    public bool Exists(string path) => _images.ContainsKey(path) || _corrupt.Contains(path);
}
