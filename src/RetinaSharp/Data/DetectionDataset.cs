using RetinaSharp.Imaging;

namespace RetinaSharp.Data;

/// <summary>A data set whose annotations are all in memory and whose images are read on demand.</summary>
public abstract class DetectionDataset : IDetectionDataset
{
    private readonly SampleInfo[] _infos;
    private readonly DetectionTarget[] _targets;
    private readonly IImageReader _reader;

    private protected DetectionDataset(string source, ClassList classes, SampleInfo[] infos, DetectionTarget[] targets,
        IImageReader reader, BadSamplePolicy policy, DatasetReport report)
    {
        if (infos.Length != targets.Length) throw new ArgumentException($"{infos.Length} samples but {targets.Length} targets.", nameof(targets));
        Source = source;
        Classes = classes;
        _infos = infos;
        _targets = targets;
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

    public DetectionTarget GetTarget(int index) => _targets[index];

    public RgbImage LoadImage(int index) => _reader.Read(_infos[index].FilePath);

    /// <summary>Keeps the usable drafts, in order, and finishes their targets.</summary>
    private protected static (SampleInfo[] Infos, DetectionTarget[] Targets) Finish(IReadOnlyList<SampleDraft> drafts, ProblemLog log)
    {
        var infos = new List<SampleInfo>(drafts.Count);
        var targets = new List<DetectionTarget>(drafts.Count);
        foreach (var d in drafts)
        {
            if (d.IsBad) continue;
            infos.Add(d.ToInfo());
            targets.Add(d.Finish(log));
        }
        return ([.. infos], [.. targets]);
    }
}
