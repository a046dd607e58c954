using RetinaSharp.Imaging;
using RetinaSharp.Structures;

namespace RetinaSharp.Data;

/// <summary>A data set held entirely in memory (generated data, tests). Images are shared, not copied.</summary>
public sealed class InMemoryDetectionDataset : IDetectionDataset
{
    private readonly SampleInfo[] _infos;
    private readonly ImageAnnotations[] _annotations;
    private readonly RgbImage[] _images;

    public InMemoryDetectionDataset(ClassList classes, IReadOnlyList<(SampleInfo Info, ImageAnnotations Annotations, RgbImage Image)> samples, string source = "memory")
    {
        Classes = classes;
        Source = source;
        _infos = new SampleInfo[samples.Count];
        _annotations = new ImageAnnotations[samples.Count];
        _images = new RgbImage[samples.Count];
        for (int i = 0; i < samples.Count; i++)
        {
            var (info, annotations, image) = samples[i];
            if (info.Size != new ImageSize(image.Height, image.Width))
                throw new ArgumentException($"Sample {i}: info says {info.Size} but the image is {image.Width}x{image.Height}.", nameof(samples));
            foreach (var label in annotations.Labels)
                if ((uint)label >= (uint)classes.Count) throw new ArgumentException($"Sample {i}: label {label} is not in 0..{classes.Count - 1}.", nameof(samples));
            _infos[i] = info;
            _annotations[i] = annotations;
            _images[i] = image;
        }
    }

    public string Source { get; }
    public int Count => _infos.Length;
    public ClassList Classes { get; }
    public BadSamplePolicy Policy => BadSamplePolicy.Fail;
    public DatasetReport Report { get; } = new();

    public SampleInfo GetInfo(int index) => _infos[index];

    public ImageAnnotations GetAnnotations(int index) => _annotations[index];

    public RgbImage LoadImage(int index) => _images[index];
}
