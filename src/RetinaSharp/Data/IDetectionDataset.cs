using RetinaSharp.Imaging;

namespace RetinaSharp.Data;

/// <summary>
/// A detection data set: images with boxes, labels 0..K−1 and ignore regions. Reading it never
/// loses a sample silently: what was left out or changed is in <see cref="Report"/>. Members are
/// safe to call from several threads at once.
/// </summary>
public interface IDetectionDataset
{
    /// <summary>Where the data set came from (annotation file or folder), for messages.</summary>
    string Source { get; }

    int Count { get; }

    ClassList Classes { get; }

    /// <summary>What to do with a sample whose image turns out to be unreadable when loaded.</summary>
    BadSamplePolicy Policy { get; }

    DatasetReport Report { get; }

    SampleInfo GetInfo(int index);

    ImageAnnotations GetAnnotations(int index);

    /// <summary>Decodes the image; throws <see cref="InvalidImageException"/> naming the file when it cannot.</summary>
    RgbImage LoadImage(int index);
}
