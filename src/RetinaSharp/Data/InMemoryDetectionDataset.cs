using RetinaSharp.Imaging;

namespace RetinaSharp.Data;

/// <summary>A data set held entirely in memory (generated data, tests). Images are shared, not copied.</summary>
public sealed class InMemoryDetectionDataset : IDetectionDataset
{
    private readonly SampleInfo[] _infos;
    private readonly DetectionTarget[] _targets;
    private readonly RgbImage[] _images;

    public InMemoryDetectionDataset(ClassList classes, IReadOnlyList<(SampleInfo Info, DetectionTarget Target, RgbImage Image)> samples, string source = "memory")
    {
        Classes = classes;
        Source = source;
        _infos = new SampleInfo[samples.Count];
        _targets = new DetectionTarget[samples.Count];
        _images = new RgbImage[samples.Count];
        for (int i = 0; i < samples.Count; i++)
        {
            var (info, target, image) = samples[i];
            if (info.Size != new ImageSize(image.Height, image.Width))
                throw new ArgumentException($"Sample {i}: info says {info.Size} but the image is {image.Width}x{image.Height}.", nameof(samples));
            foreach (var label in target.Labels)
                if ((uint)label >= (uint)classes.Count) throw new ArgumentException($"Sample {i}: label {label} is not in 0..{classes.Count - 1}.", nameof(samples));
            _infos[i] = info;
            _targets[i] = target;
            _images[i] = image;
        }
    }

    public string Source { get; }
    public int Count => _infos.Length;
    public ClassList Classes { get; }
    public BadSamplePolicy Policy => BadSamplePolicy.Fail;
    public DatasetReport Report { get; } = new();

    public SampleInfo GetInfo(int index) => _infos[index];

    public DetectionTarget GetTarget(int index) => _targets[index];

    public RgbImage LoadImage(int index) => _images[index];
}
