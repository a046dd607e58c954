using RetinaSharp.Imaging;

namespace RetinaSharp.Data;

/// <summary>A data set whose annotations are all in memory and whose images are read on demand.</summary>
public abstract class DetectionDataset : IDetectionDataset
{
    private readonly SampleInfo[] _infos;
    private readonly ImageAnnotations[] _annotations;
    private readonly IImageReader _reader;

    private protected DetectionDataset(string source, ClassList classes, SampleInfo[] infos, ImageAnnotations[] annotations,
        IImageReader reader, BadSamplePolicy policy, DatasetReport report)
    {
        if (infos.Length != annotations.Length) throw new ArgumentException($"{infos.Length} samples but {annotations.Length} annotation sets.", nameof(annotations));
        Source = source;
        Classes = classes;
        _infos = infos;
        _annotations = annotations;
        _reader = reader;
        Policy = policy;
        Report = report;
    }

    public string Source { get; }
    public int Count => _infos.Length;
    public ClassList Classes { get; }
    public BadSamplePolicy Policy { get; }
    public DatasetReport Report { get; }

    public SampleInfo GetInfo(int index) => _infos[index];

    public ImageAnnotations GetAnnotations(int index) => _annotations[index];

    public RgbImage LoadImage(int index) => _reader.Read(_infos[index].FilePath);

    /// <summary>Keeps the usable drafts, in order, and finishes their annotations.</summary>
    private protected static (SampleInfo[] Infos, ImageAnnotations[] Annotations) Finish(IReadOnlyList<SampleDraft> drafts, ProblemLog log)
    {
        var infos = new List<SampleInfo>(drafts.Count);
        var annotations = new List<ImageAnnotations>(drafts.Count);
        foreach (var d in drafts)
        {
            if (d.IsBad) continue;
            infos.Add(d.ToInfo());
            annotations.Add(d.Finish(log));
        }
        return ([.. infos], [.. annotations]);
    }
}
