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
/// <para>
/// A first row of column names (e.g. <c>filename,width,height,class,xmin,ymin,xmax,ymax</c>, as
/// the TensorFlow object-detection tools write) is recognised and its columns are used by name, in
/// any order. Without a classes file, the class names found in the file become the classes in
/// ordinal order (or <see cref="DatasetOptions.ClassNames"/> when given, e.g. a training set's
/// classes for its validation set), with category ids 1..K.
/// </para>
/// </summary>
public sealed class CsvDetectionDataset : DetectionDataset
{
    private CsvDetectionDataset(string source, ClassList classes, SampleInfo[] infos, ImageAnnotations[] annotations, DatasetOptions options, DatasetReport report)
        : base(source, classes, infos, annotations, options.ImageReader, options.Policy, report)
    {
    }

    /// <param name="classesFile">The class,id file; null to take the classes from <see cref="DatasetOptions.ClassNames"/> or from the file.</param>
    public static CsvDetectionDataset Open(string annotationFile, string? classesFile, DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        var text = ReadText(annotationFile);
        var columns = HeaderColumns(text);
        var classes = classesFile is not null ? ReadClasses(classesFile)
            : options.ClassNames is { } given ? ClassList.FromNames(given)
            : ClassList.FromNames(NamesIn(text, columns, annotationFile));
        var classesSource = classesFile ?? "the class list";
        var report = new DatasetReport();
        var log = new ProblemLog(options.Policy, report);
        var file = annotationFile;
        var resolver = new ImagePathResolver(Path.GetDirectoryName(Path.GetFullPath(annotationFile))!, options.AllowImagesOutsideRoot);

        var drafts = new List<SampleDraft>();
        var byPath = new Dictionary<string, SampleDraft>(StringComparer.Ordinal);
        var reader = new CsvRecordReader(text);
        var fields = new List<string>(6);
        var raw = new List<string>(8);
        bool header = columns is not null;
        while (reader.Read(columns is null ? fields : raw, out var error))
        {
            var item = $"line {reader.RecordLine}";
            if (header)
            {
                header = false;
                continue;
            }
            if (columns is not null)
            {
                if (error is null && raw.Count == 1 && raw[0].Length == 0) continue;
                if (error is null && raw.Count != columns.Width) error = $"expected {columns.Width} fields as the header names, found {raw.Count}";
                fields.Clear();
                if (error is null) foreach (int c in columns.Order) fields.Add(raw[c]);
            }
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
                draft.Fail(log, ProblemKind.UnknownClass, file, item, $"class \"{fields[5]}\" is not in {classesSource}; image left out");
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

    /// <summary>Where path, x1, y1, x2, y2 and class are in a file with a header row.</summary>
    private sealed record Columns(int[] Order, int Width);

    private static readonly string[][] ColumnNames =
    [
        ["filename", "file_name", "file", "path", "image", "image_path", "img"],
        ["xmin", "x1", "left", "x_min"],
        ["ymin", "y1", "top", "y_min"],
        ["xmax", "x2", "right", "x_max"],
        ["ymax", "y2", "bottom", "y_max"],
        ["class", "label", "category", "class_name", "name"],
    ];

    /// <summary>The columns named by a header row, or null when the first row is data.</summary>
    private static Columns? HeaderColumns(string text)
    {
        var reader = new CsvRecordReader(text);
        var first = new List<string>();
        if (!reader.Read(first, out var error) || error is not null) return null;
        var order = new int[ColumnNames.Length];
        for (int k = 0; k < order.Length; k++)
        {
            order[k] = -1;
            for (int c = 0; c < first.Count && order[k] < 0; c++)
                if (Array.IndexOf(ColumnNames[k], first[c].Trim().ToLowerInvariant()) >= 0) order[k] = c;
            if (order[k] < 0) return null;
        }
        return new Columns(order, first.Count);
    }

    /// <summary>The class names used in the file, in ordinal order.</summary>
    private static List<string> NamesIn(string text, Columns? columns, string file)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var reader = new CsvRecordReader(text);
        var fields = new List<string>();
        bool header = columns is not null;
        int classColumn = columns?.Order[5] ?? 5;
        while (reader.Read(fields, out var error))
        {
            if (header) { header = false; continue; }
            if (error is null && fields.Count > classColumn && fields[classColumn].Length > 0) names.Add(fields[classColumn]);
        }
        if (names.Count == 0) throw new InvalidDataException($"{file}: names no class, and no classes file was given");
        return [.. names];
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
