using RetinaSharp.Imaging;
using RetinaSharp.Structures;

namespace RetinaSharp.Data;

/// <summary>
/// How a data set turns an image path into pixels. The file reader is the default; tests and
/// in-memory sources supply their own.
/// </summary>
public interface IImageReader
{
    /// <summary>Decodes the image; throws <see cref="InvalidImageException"/> naming the file when it cannot.</summary>
    RgbImage Read(string path);

    /// <summary>The image's size, cheaply (from the header); throws <see cref="InvalidImageException"/> when it cannot.</summary>
    ImageSize ReadSize(string path);

    /// <summary>Whether the file exists, without reading it.</summary>
    bool Exists(string path);
}
