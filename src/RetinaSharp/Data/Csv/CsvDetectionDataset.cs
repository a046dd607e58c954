using System.Globalization;
using RetinaSharp.Structures;

namespace RetinaSharp.Data.Csv;

/// <summary>
/// The CSV format of keras-retinanet as a detection data set: one row per box,
/// <c>path,x1,y1,x2,y2,class</c>, or <c>path,,,,,</c> for an image without boxes; image paths are
/// relative to the CSV file's folder; a separate classes file holds <c>class,id</c> rows. Labels
/// are 0..K−1 in increasing id order (the identity when ids are already 0..K−1, as
/// keras-retinanet expects). Unlike keras-retinanet, coordinates may have decimals. Images come
/// in order of first appearance and their ids are those positions.
/// </summary>
public sealed class CsvDetectionDataset : DetectionDataset
{
    private CsvDetectionDataset(string source, ClassList classes, SampleInfo[] infos, ImageAnnotations[] annotations, DatasetOptions options, DatasetReport report)
        : base(source, classes, infos, annotations, options.ImageReader, options.Policy, report)
    {
    }

    public static CsvDetectionDataset Open(string annotationFile, string classesFile, DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        var classes = ReadClasses(classesFile);
        var report = new DatasetReport();
        var log = new ProblemLog(options.Policy, report);
        var file = annotationFile;
        var resolver = new ImagePathResolver(Path.GetDirectoryName(Path.GetFullPath(annotationFile))!, options.AllowImagesOutsideRoot);

        var drafts = new List<SampleDraft>();
        var byPath = new Dictionary<string, SampleDraft>(StringComparer.Ordinal);
        var reader = new CsvRecordReader(ReadText(annotationFile));
        var fields = new List<string>(6);
        while (reader.Read(fields, out var error))
        {
            var item = $"line {reader.RecordLine}";
            if (error is null && fields.Count == 1 && fields[0].Length == 0) continue;
            var path = fields.Count > 0 ? fields[0] : "";
            SampleDraft? draft = null;
            if (path.Length > 0 && !byPath.TryGetValue(path, out draft))
            {
                draft = new SampleDraft(drafts.Count, path, file, item);
                drafts.Add(draft);
                byPath[path] = draft;
                draft.FilePath = resolver.Resolve(path, out var pathError);
                if (draft.FilePath is null) draft.Fail(log, ProblemKind.PathOutsideRoot, file, item, pathError);
            }
            if (error is not null || fields.Count != 6)
            {
                var message = error ?? $"expected 6 fields (path,x1,y1,x2,y2,class), found {fields.Count}";
                Reject(draft, log, ProblemKind.SyntaxError, file, item, message);
                continue;
            }
            if (draft is null)
            {
                log.Error(ProblemKind.InvalidValue, file, item, "the image path is empty; row left out");
                continue;
            }
            if (draft.IsBad) continue;
            if (fields[1].Length == 0 && fields[2].Length == 0 && fields[3].Length == 0 && fields[4].Length == 0 && fields[5].Length == 0)
                continue;
            if (!TryReadBox(fields, out var box, out var problem, out var boxError))
            {
                draft.Fail(log, problem, file, item, boxError + "; image left out");
                continue;
            }
            if (!classes.TryGetLabelByName(fields[5], out int label))
            {
                draft.Fail(log, ProblemKind.UnknownClass, file, item, $"class \"{fields[5]}\" is not in {classesFile}; image left out");
                continue;
            }
            draft.Add(box, label, ignore: false, item);
        }

        if (options.CheckImageFiles)
            foreach (var draft in drafts)
                if (!draft.IsBad) draft.CheckFile(options.ImageReader, log);
        var (infos, annotations) = Finish(drafts, log);
        return new CsvDetectionDataset(file, classes, infos, annotations, options, report);
    }

    /// <summary>Reads a <c>class,id</c> file. Any problem in it is fatal: labels cannot be guessed.</summary>
    public static ClassList ReadClasses(string classesFile)
    {
        var reader = new CsvRecordReader(ReadText(classesFile));
        var fields = new List<string>(2);
        var classes = new List<DetectionClass>();
        var lineOfName = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineOfId = new Dictionary<long, int>();
        while (reader.Read(fields, out var error))
        {
            int line = reader.RecordLine;
            if (error is null && fields.Count == 1 && fields[0].Length == 0) continue;
            if (error is not null) throw new InvalidDataException($"{classesFile}: line {line}: {error}");
            if (fields.Count != 2) throw new InvalidDataException($"{classesFile}: line {line}: expected 2 fields (class,id), found {fields.Count}");
            var name = fields[0];
            if (name.Length == 0) throw new InvalidDataException($"{classesFile}: line {line}: the class name is empty");
            if (!long.TryParse(fields[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long id))
                throw new InvalidDataException($"{classesFile}: line {line}: class id \"{fields[1]}\" is not an integer");
            if (!lineOfName.TryAdd(name, line)) throw new InvalidDataException($"{classesFile}: line {line}: class \"{name}\" is already defined at line {lineOfName[name]}");
            if (!lineOfId.TryAdd(id, line)) throw new InvalidDataException($"{classesFile}: line {line}: class id {id} is already used at line {lineOfId[id]}");
            classes.Add(new DetectionClass(name, id));
        }
        if (classes.Count == 0) throw new InvalidDataException($"{classesFile}: no classes defined");
        return ClassList.SortedByCategoryId(classes);
    }

    private static void Reject(SampleDraft? draft, ProblemLog log, ProblemKind kind, string file, string item, string message)
    {
        if (draft is null) log.Error(kind, file, item, message + "; row left out");
        else if (!draft.IsBad) draft.Fail(log, kind, file, item, message + "; image left out");
        else log.Error(kind, file, item, message + "; row left out");
    }

    private static bool TryReadBox(List<string> fields, out Box box, out ProblemKind kind, out string error)
    {
        Span<float> v = stackalloc float[4];
        ReadOnlySpan<string> names = ["x1", "y1", "x2", "y2"];
        box = default;
        for (int i = 0; i < 4; i++)
        {
            var text = fields[i + 1];
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            {
                kind = ProblemKind.InvalidValue;
                error = text.Trim().Length == 0 ? $"{names[i]} is empty" : $"{names[i]} \"{text}\" is not a number";
                return false;
            }
            v[i] = (float)d;
            if (!float.IsFinite(v[i]))
            {
                kind = ProblemKind.NonFiniteCoordinate;
                error = $"{names[i]} \"{text}\" is not a finite coordinate";
                return false;
            }
        }
        box = new Box(v[0], v[1], v[2], v[3]);
        kind = default;
        error = "";
        return true;
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException($"{path}: cannot read: {e.Message}", path, e);
        }
    }
}
