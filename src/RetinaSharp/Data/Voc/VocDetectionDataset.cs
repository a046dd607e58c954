using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using RetinaSharp.Structures;

namespace RetinaSharp.Data.Voc;

/// <summary>
/// A Pascal VOC folder (Annotations/{id}.xml, JPEGImages/{id}.jpg, ImageSets/Main/{split}.txt)
/// as a detection data set, or a folder of VOC XML files without ImageSets (see <see cref="VocLayout"/>).
/// <para>
/// Coordinates: VOC stores 1-based inclusive pixel indices, so a box covering the whole image is
/// (1, 1, W, H). Like detectron2 we subtract 1 from xmin and ymin only, giving (0, 0, W, H) in the
/// continuous coordinates the rest of the library uses, where width = x2 − x1.
/// </para>
/// <para>
/// Labels follow <see cref="DatasetOptions.ClassNames"/> (the 20 VOC classes by default) with
/// category ids 1..K; difficult objects become ignore regions unless
/// <see cref="DatasetOptions.Difficult"/> says otherwise. Image ids are positions in the split file.
/// </para>
/// </summary>
public sealed class VocDetectionDataset : DetectionDataset
{
    /// <summary>The 20 Pascal VOC classes in their customary (alphabetical) order.</summary>
    public static IReadOnlyList<string> VocClassNames { get; } =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    private VocDetectionDataset(string source, ClassList classes, SampleInfo[] infos, ImageAnnotations[] annotations, DatasetOptions options, DatasetReport report)
        : base(source, classes, infos, annotations, options.ImageReader, options.Policy, report)
    {
    }

    public static VocDetectionDataset Open(string root, string split = "trainval", DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        if (split.Length == 0 || split.IndexOfAny(['/', '\\']) >= 0 || split.Contains(".."))
            throw new ArgumentException($"Split name \"{split}\" is not a plain name.", nameof(split));
        var report = new DatasetReport();
        var log = new ProblemLog(options.Policy, report);
        var layout = VocLayout.Find(root, split, options);
        var annotationResolver = new ImagePathResolver(layout.Annotations, allowOutside: false);
        var imageResolver = new ImagePathResolver(layout.Images, options.AllowImagesOutsideRoot);

        var drafts = new List<SampleDraft>();
        var parsed = new List<List<VocObject>>();
        var firstItem = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, source, item) in layout.Ids)
        {
            var draft = new SampleDraft(drafts.Count, id, source, item);
            var objects = new List<VocObject>();
            drafts.Add(draft);
            parsed.Add(objects);
            if (!firstItem.TryAdd(id, item))
            {
                draft.Fail(log, ProblemKind.DuplicateImageId, source, draft.Item, $"id {id} already listed at {firstItem[id]}; repeat left out");
                continue;
            }
            ReadAnnotation(draft, objects, id, annotationResolver, imageResolver, options, log);
        }

        var classes = ChooseClasses(options with { DiscoverClasses = options.DiscoverClasses || layout.DiscoverClasses }, parsed);
        for (int i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            if (draft.IsBad) continue;
            foreach (var o in parsed[i])
            {
                if (!classes.TryGetLabelByName(o.Name, out int label))
                {
                    bool vocClasses = options.ClassNames is null && !options.DiscoverClasses && !layout.DiscoverClasses;
                    draft.Fail(log, ProblemKind.UnknownClass, o.File, o.Item, vocClasses
                        ? $"class \"{o.Name}\" is not one of the 20 Pascal VOC classes (for other classes give their names with --classes FILE, one per line); image left out"
                        : $"class \"{o.Name}\" is not one of the {classes.Count} classes; image left out");
                    break;
                }
                if (o.Difficult && options.Difficult == DifficultHandling.Exclude) continue;
                draft.Add(o.Box, label, o.Difficult && options.Difficult == DifficultHandling.Ignore, o.Item, o.File);
            }
        }
        var (infos, annotations) = Finish(drafts, log);
        return new VocDetectionDataset(root, classes, infos, annotations, options, report);
    }

    private static ClassList ChooseClasses(DatasetOptions options, List<List<VocObject>> parsed)
    {
        if (options.ClassNames is { } names)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var n in names)
                if (!seen.Add(n)) throw new ArgumentException($"Class \"{n}\" is listed twice.", nameof(options));
            return ClassList.FromNames(names);
        }
        if (!options.DiscoverClasses) return ClassList.FromNames(VocClassNames);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var objects in parsed)
            foreach (var o in objects) found.Add(o.Name);
        return ClassList.FromNames(found);
    }

    private static void ReadAnnotation(SampleDraft draft, List<VocObject> objects, string id, ImagePathResolver annotations,
        ImagePathResolver images, DatasetOptions options, ProblemLog log)
    {
        var xmlPath = annotations.Resolve(id + ".xml", out var error);
        if (xmlPath is null)
        {
            draft.Fail(log, ProblemKind.PathOutsideRoot, draft.AnnotationFile, draft.Item, error);
            return;
        }
        if (!File.Exists(xmlPath))
        {
            draft.Fail(log, ProblemKind.MissingAnnotationFile, draft.AnnotationFile, draft.Item, $"annotation file {xmlPath} does not exist; image left out");
            return;
        }
        XDocument doc;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(xmlPath, settings);
            doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            draft.Fail(log, ProblemKind.SyntaxError, xmlPath, $"line {e.LineNumber}, position {e.LinePosition}", $"invalid XML: {e.Message}; image left out", e);
            return;
        }
        catch (IOException e)
        {
            draft.Fail(log, ProblemKind.MissingAnnotationFile, xmlPath, "", $"cannot read: {e.Message}; image left out", e);
            return;
        }
        var root = doc.Root!;
        if (root.Name.LocalName != "annotation")
        {
            draft.Fail(log, ProblemKind.InvalidValue, xmlPath, At(root), $"root element is <{root.Name.LocalName}>, expected <annotation>; image left out");
            return;
        }

        if (root.Element("size") is { } size)
        {
            int? w = ReadInt(draft, log, xmlPath, size, "width");
            int? h = ReadInt(draft, log, xmlPath, size, "height");
            if (draft.IsBad) return;
            if (w is > 0 && h is > 0) draft.Size = new ImageSize(h.Value, w.Value);
        }

        foreach (var obj in root.Elements("object"))
        {
            var nameElement = obj.Element("name");
            if (nameElement is null)
            {
                draft.Fail(log, ProblemKind.InvalidValue, xmlPath, At(obj), "<object> has no <name>; image left out");
                return;
            }
            var name = nameElement.Value.Trim();
            var item = $"<object> \"{name}\" {At(obj)}";
            bool difficult = false;
            if (obj.Element("difficult") is { } d)
            {
                var text = d.Value.Trim();
                // Some converters write an empty element; it can only mean "not difficult".
                if (text is not ("" or "0" or "1"))
                {
                    draft.Fail(log, ProblemKind.InvalidValue, xmlPath, $"<difficult> {At(d)}", $"value \"{text}\" is not 0 or 1; image left out");
                    return;
                }
                difficult = text == "1";
            }
            var bndbox = obj.Element("bndbox");
            if (bndbox is null)
            {
                draft.Fail(log, ProblemKind.InvalidValue, xmlPath, item, "<object> has no <bndbox>; image left out");
                return;
            }
            double? xmin = ReadCoordinate(draft, log, xmlPath, bndbox, "xmin");
            double? ymin = ReadCoordinate(draft, log, xmlPath, bndbox, "ymin");
            double? xmax = ReadCoordinate(draft, log, xmlPath, bndbox, "xmax");
            double? ymax = ReadCoordinate(draft, log, xmlPath, bndbox, "ymax");
            if (draft.IsBad) return;
            var box = new Box((float)(xmin!.Value - 1), (float)(ymin!.Value - 1), (float)xmax!.Value, (float)ymax!.Value);
            if (!box.IsFinite)
            {
                draft.Fail(log, ProblemKind.NonFiniteCoordinate, xmlPath, item, $"<bndbox> has a coordinate that is not a finite float ({xmin}, {ymin}, {xmax}, {ymax}); image left out");
                return;
            }
            objects.Add(new VocObject(name, difficult, box, item, xmlPath));
        }

        var imagePath = images.Resolve(id + ".jpg", out error);
        if (imagePath is not null && !File.Exists(imagePath)
            && root.Element("filename")?.Value.Trim() is { Length: > 0 } fileName
            && images.Resolve(fileName, out _) is { } named && File.Exists(named))
        {
            imagePath = named;
        }
        if (imagePath is null)
        {
            draft.Fail(log, ProblemKind.PathOutsideRoot, draft.AnnotationFile, draft.Item, error);
            return;
        }
        draft.FilePath = imagePath;
        if (options.CheckImageFiles) draft.CheckFile(options.ImageReader, log);
    }

    private static int? ReadInt(SampleDraft draft, ProblemLog log, string file, XElement parent, string name)
    {
        var e = parent.Element(name);
        if (e is null) return null;
        var text = e.Value.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && v <= int.MaxValue && v == Math.Floor(v))
            return (int)v;
        draft.Fail(log, ProblemKind.InvalidValue, file, $"<{name}> {At(e)}", $"value \"{text}\" is not a non-negative integer; image left out");
        return null;
    }

    private static double? ReadCoordinate(SampleDraft draft, ProblemLog log, string file, XElement bndbox, string name)
    {
        if (draft.IsBad) return null;
        var e = bndbox.Element(name);
        if (e is null)
        {
            draft.Fail(log, ProblemKind.InvalidValue, file, $"<bndbox> {At(bndbox)}", $"<bndbox> has no <{name}>; image left out");
            return null;
        }
        var text = e.Value.Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            draft.Fail(log, ProblemKind.InvalidValue, file, $"<{name}> {At(e)}", $"value \"{text}\" is not a number; image left out");
            return null;
        }
        if (!double.IsFinite(v))
        {
            draft.Fail(log, ProblemKind.NonFiniteCoordinate, file, $"<{name}> {At(e)}", $"value \"{text}\" is not finite; image left out");
            return null;
        }
        return v;
    }

    private static string At(XElement e) =>
        e is IXmlLineInfo info && info.HasLineInfo() ? $"at line {info.LineNumber}" : "";

    private readonly record struct VocObject(string Name, bool Difficult, Box Box, string Item, string File);
}
