using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Csv;
using RetinaSharp.Data.Voc;

namespace RetinaSharp.Data;

/// <summary>Opens a data set in any supported format from a <see cref="DatasetSpec"/>.</summary>
public static class DatasetFactory
{
    public static IDetectionDataset Open(DatasetSpec spec, DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        var format = spec.Format ?? DetectFormat(spec.Path);
        switch (format)
        {
            case DatasetFormat.Coco:
                return CocoDetectionDataset.Open(spec.Path, spec.Images ?? Path.GetDirectoryName(Path.GetFullPath(spec.Path))!, options);
            case DatasetFormat.Voc:
                if (spec.Classes is not null) options = options with { ClassNames = ReadClassNames(spec.Classes) };
                return VocDetectionDataset.Open(spec.Path, spec.Split ?? "trainval", options);
            case DatasetFormat.Csv:
                // Without a classes file (given, or classes.csv beside the data), the classes come from the options or the file itself.
                var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(spec.Path))!, "classes.csv");
                var classes = spec.Classes ?? (File.Exists(beside) ? beside : null);
                return CsvDetectionDataset.Open(spec.Path, classes, options);
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), $"Unknown data set format {format}.");
        }
    }

    /// <summary>A folder is VOC, a .json file COCO, a .csv (or .txt) file CSV.</summary>
    public static DatasetFormat DetectFormat(string path)
    {
        if (Directory.Exists(path))
        {
            if (Directory.Exists(Path.Combine(path, "Annotations")) && Directory.Exists(Path.Combine(path, "ImageSets")))
                return DatasetFormat.Voc;
            // Labelling tools write VOC XML without ImageSets: annotations/ beside images/, or both in one folder.
            var annotations = VocLayout.AnnotationFolder(path);
            if (Directory.EnumerateFiles(annotations ?? path, "*.xml").Any()) return DatasetFormat.Voc;
            throw new InvalidDataException($"{path}: a folder data set must hold VOC XML annotations: the Pascal VOC layout (Annotations/, JPEGImages/, ImageSets/Main/), or annotations/*.xml beside images/ (or one folder of XML files beside one of images), or *.xml files.");
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file or folder.", path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".json" => DatasetFormat.Coco,
            ".csv" or ".txt" => DatasetFormat.Csv,
            _ => throw new InvalidDataException($"{path}: cannot tell the data set format from the extension \"{ext}\" (expected .json for COCO, .csv for CSV, or a VOC folder)."),
        };
    }

    /// <summary>One class name per line; blank lines and surrounding spaces are ignored.</summary>
    public static IReadOnlyList<string> ReadClassNames(string path)
    {
        var names = new List<string>();
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        int line = 0;
        foreach (var raw in File.ReadLines(path))
        {
            line++;
            var name = raw.Trim();
            if (name.Length == 0) continue;
            if (!lineOf.TryAdd(name, line)) throw new InvalidDataException($"{path}: line {line}: class \"{name}\" is already listed at line {lineOf[name]}");
            names.Add(name);
        }
        if (names.Count == 0) throw new InvalidDataException($"{path}: no class names");
        return names;
    }
}
