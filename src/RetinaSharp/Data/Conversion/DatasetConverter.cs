using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Csv;
using RetinaSharp.Data.Voc;

namespace RetinaSharp.Data.Conversion;

/// <summary>
/// Writes any data set as COCO JSON, a Pascal VOC folder or a keras-retinanet CSV. The output is
/// self-contained by default: the images are copied beside the annotations under unique names, so
/// it opens with the readers' default safety rules (no paths outside the data set's folder).
/// </summary>
public static class DatasetConverter
{
    /// <summary>
    /// Converts <paramref name="dataset"/> to <paramref name="format"/> at <paramref name="output"/>
    /// (a .json file for COCO, a folder for VOC, a .csv file for CSV).
    /// </summary>
    public static ConversionResult Convert(IDetectionDataset dataset, DatasetFormat format, string output, ConversionOptions? options = null)
    {
        options ??= new ConversionOptions();
        var full = Path.GetFullPath(output);
        var root = format == DatasetFormat.Voc ? full : Path.GetDirectoryName(full)!;
        if (format != DatasetFormat.Voc && Directory.Exists(full))
            throw new IOException($"{output}: is a folder; the {format} output is a file ({(format == DatasetFormat.Coco ? ".json" : ".csv")}).");
        if (format == DatasetFormat.Csv && string.Equals(Path.GetFileName(full), "classes.csv", StringComparison.OrdinalIgnoreCase))
            throw new IOException($"{output}: classes.csv is the name of the class file written beside the CSV; choose another name.");
        if (format == DatasetFormat.Voc && File.Exists(full))
            throw new IOException($"{output}: is a file; the VOC output is a folder.");
        var imageFolder = format == DatasetFormat.Voc ? Path.Combine(root, "JPEGImages") : Path.Combine(root, options.ImageFolder);
        var names = ImageNames(dataset, root, imageFolder, options.CopyImages);
        foreach (var name in names)
            if (Path.GetFullPath(Path.Combine(root, name)) == full)
                throw new IOException($"{output}: the output would overwrite the image {name}.");

        var result = format switch
        {
            DatasetFormat.Coco => CocoDatasetWriter.Write(dataset, full, names, options),
            DatasetFormat.Voc => VocDatasetWriter.Write(dataset, full, names, options),
            DatasetFormat.Csv => CsvDatasetWriter.Write(dataset, full, names),
            _ => throw new ArgumentOutOfRangeException(nameof(format), $"Unknown data set format {format}."),
        };
        if (options.CopyImages) result = result with { ImagesCopied = CopyImages(dataset, root, names) };
        return result;
    }

    /// <summary>
    /// Each image's path relative to the output root: under the image folder with its own file name
    /// (a number added when two have the same name without extension), or, without copying, where it already is.
    /// </summary>
    private static string[] ImageNames(IDetectionDataset dataset, string root, string imageFolder, bool copy)
    {
        var names = new string[dataset.Count];
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var relativeFolder = Path.GetRelativePath(root, imageFolder);
        for (int i = 0; i < dataset.Count; i++)
        {
            var source = dataset.GetInfo(i).FilePath;
            if (!copy)
            {
                names[i] = Path.GetRelativePath(root, source).Replace('\\', '/');
                continue;
            }
            var file = Path.GetFileName(source);
            var stem = Path.GetFileNameWithoutExtension(file);
            var ext = Path.GetExtension(file);
            // Unique by stem: a VOC id is the name without extension, so a.jpg and a.png must not both become "a".
            var unique = stem;
            for (int n = 2; !taken.Add(unique); n++) unique = $"{stem}_{n}";
            file = unique + ext;
            names[i] = relativeFolder == "." ? file : $"{relativeFolder.Replace('\\', '/')}/{file}";
        }
        return names;
    }

    private static int CopyImages(IDetectionDataset dataset, string root, string[] names)
    {
        int copied = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            var source = Path.GetFullPath(dataset.GetInfo(i).FilePath);
            var target = Path.GetFullPath(Path.Combine(root, names[i]));
            if (source == target) continue;
            if (!File.Exists(source)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // A rerun into the same folder does not copy again what is already there.
            if (File.Exists(target) && new FileInfo(target).Length == new FileInfo(source).Length) continue;
            var tmp = target + $".tmp-{Environment.ProcessId}";
            File.Copy(source, tmp, overwrite: true);
            File.Move(tmp, target, overwrite: true);
            copied++;
        }
        return copied;
    }
}
