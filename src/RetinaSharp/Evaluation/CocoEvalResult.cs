using System.Text;
using System.Text.Json;

namespace RetinaSharp.Evaluation;

/// <summary>
/// The outcome of a COCO box evaluation: pycocotools' 12 summary numbers, AP per category and the
/// accumulated precision/recall arrays. A number is -1 when its setting has no ground truth.
/// </summary>
public sealed class CocoEvalResult
{
    private readonly double[] _stats;

    internal CocoEvalResult(double[] stats, IReadOnlyList<CocoCategoryAp> perCategory, CocoEvalAccumulation accumulation, int unknownCategoryDetections)
    {
        _stats = stats;
        PerCategory = perCategory;
        Accumulation = accumulation;
        UnknownCategoryDetections = unknownCategoryDetections;
    }

    /// <summary>Names of <see cref="Stats"/>, in order; also the keys written by <see cref="ToJson"/>.</summary>
    public static IReadOnlyList<string> StatNames { get; } = Array.ConvertAll(CocoEvalSummarizer.Stats, s => s.Name);

    /// <summary>The 12 numbers in COCOeval.stats order.</summary>
    public IReadOnlyList<double> Stats => _stats;

    /// <summary>AP averaged over IoU 0.50:0.95, all sizes, 100 detections per image.</summary>
    public double AP => _stats[0];
    public double AP50 => _stats[1];
    public double AP75 => _stats[2];
    public double APs => _stats[3];
    public double APm => _stats[4];
    public double APl => _stats[5];

    /// <summary>Recall averaged over IoU 0.50:0.95 with at most 1 detection per image.</summary>
    public double AR1 => _stats[6];
    public double AR10 => _stats[7];
    public double AR100 => _stats[8];
    public double ARs => _stats[9];
    public double ARm => _stats[10];
    public double ARl => _stats[11];

    /// <summary>One entry per ground-truth category, by ascending id.</summary>
    public IReadOnlyList<CocoCategoryAp> PerCategory { get; }

    public CocoEvalAccumulation Accumulation { get; }

    /// <summary>Detections left out because their category is not among the ground truth's categories.</summary>
    public int UnknownCategoryDetections { get; }

    /// <summary>The 12 numbers under their names plus "per_category": [{category_id, name, AP, AP50}].</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        WriteJson(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public void Save(string path) => AtomicFile.Write(path, WriteJson);

    /// <summary>The 12-line summary exactly as pycocotools prints it.</summary>
    public string Format()
    {
        var acc = Accumulation;
        var text = new StringBuilder();
        for (var s = 0; s < CocoEvalSummarizer.Stats.Length; s++)
        {
            var stat = CocoEvalSummarizer.Stats[s];
            var title = stat.Precision ? "Average Precision" : "Average Recall";
            var kind = stat.Precision ? "(AP)" : "(AR)";
            var iou = stat.Iou is { } v
                ? PythonFixedFormat.Format(v, 2)
                : PythonFixedFormat.Format(acc.IouThresholds[0], 2) + ":" + PythonFixedFormat.Format(acc.IouThresholds[^1], 2);
            var maxDets = CocoEvalSummarizer.MaxDetsOf(stat, acc.MaxDetections);
            text.Append(' ').Append(title.PadRight(18)).Append(' ').Append(kind)
                .Append(" @[ IoU=").Append(iou.PadRight(9))
                .Append(" | area=").Append(stat.Area.PadLeft(6))
                .Append(" | maxDets=").Append(maxDets.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(3))
                .Append(" ] = ").Append(PythonFixedFormat.Format(_stats[s], 3)).Append('\n');
        }
        return text.ToString();
    }

    private void WriteJson(Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        for (var s = 0; s < _stats.Length; s++) writer.WriteNumber(StatNames[s], _stats[s]);
        writer.WriteStartArray("per_category");
        foreach (var c in PerCategory)
        {
            writer.WriteStartObject();
            writer.WriteNumber("category_id", c.CategoryId);
            writer.WriteString("name", c.Name);
            writer.WriteNumber("AP", c.AP);
            writer.WriteNumber("AP50", c.AP50);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }
}
