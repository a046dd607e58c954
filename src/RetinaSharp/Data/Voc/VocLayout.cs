namespace RetinaSharp.Data.Voc;

/// <summary>
/// Where a VOC-style folder keeps its annotations and images, and which ids a split holds.
/// <para>
/// The Pascal layout: Annotations/, JPEGImages/ and ImageSets/Main/{split}.txt. Without ImageSets
/// (what labelling tools write): an annotations/ folder of XML files beside an images/ folder (any
/// capitalisation; JPEGImages/ too; otherwise the one subfolder of XML files and the one of images,
/// whatever their names), or one folder holding both. There the ids are the XML files'
/// names in ordinal order, the classes are those the XML files name, and the split is drawn from
/// the ids: "all" keeps every image; "val" or "test" the held-out share
/// (<see cref="DatasetOptions.ValidationFraction"/>, chosen by a hash of the id and
/// <see cref="DatasetOptions.SplitSeed"/>, so it does not depend on the listing order); any other
/// name ("trainval", "train") the rest.
/// </para>
/// </summary>
internal sealed record VocLayout(string Annotations, string Images, IReadOnlyList<(string Id, string Source, string Item)> Ids, bool DiscoverClasses)
{
    public static VocLayout Find(string root, string split, DatasetOptions options)
    {
        var splitFile = Path.Combine(root, "ImageSets", "Main", split + ".txt");
        if (Directory.Exists(Path.Combine(root, "ImageSets")))
        {
            if (!File.Exists(splitFile))
                throw new FileNotFoundException($"{splitFile}: split file not found (a VOC folder holds Annotations/, JPEGImages/ and ImageSets/Main/{split}.txt).", splitFile);
            return new VocLayout(Path.Combine(root, "Annotations"), Path.Combine(root, "JPEGImages"), ReadSplitFile(splitFile), DiscoverClasses: false);
        }
        string annotations = AnnotationFolder(root) ?? root;
        string images = Child(root, "images") ?? Child(root, "JPEGImages") ?? OnlySubfolderWith(root, ImagePatterns) ?? annotations;
        var xml = Directory.EnumerateFiles(annotations, "*.xml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
        if (xml.Count == 0)
            throw new InvalidDataException($"{root}: no VOC XML annotations found (looked for ImageSets/Main/{split}.txt, annotations/*.xml and *.xml).");
        bool heldOut = split is "val" or "test";
        var ids = new List<(string, string, string)>();
        foreach (var id in xml)
        {
            if (split != "all" && IsHeldOut(id!, options) != heldOut) continue;
            ids.Add((id!, Path.Combine(annotations, id + ".xml"), $"file {id}.xml"));
        }
        return new VocLayout(annotations, images, ids, DiscoverClasses: true);
    }

    /// <summary>Whether an id falls in the held-out share: FNV-1a of its name and the seed, so the split is stable.</summary>
    public static bool IsHeldOut(string id, DatasetOptions options)
    {
        ulong h = 14695981039346656037UL ^ options.SplitSeed;
        foreach (char c in id)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return (h % 10_000) < options.ValidationFraction * 10_000;
    }

    private static readonly string[] XmlPatterns = ["*.xml"];
    private static readonly string[] ImagePatterns = ["*.jpg", "*.jpeg", "*.png"];

    /// <summary>
    /// The folder of XML files without ImageSets: annotations/ (any capitalisation), else the one
    /// subfolder that holds XML files (labelling tools and published sets name it annots/, labels/, xml/…).
    /// </summary>
    internal static string? AnnotationFolder(string root) => Child(root, "annotations") ?? OnlySubfolderWith(root, XmlPatterns);

    private static string? OnlySubfolderWith(string root, string[] patterns)
    {
        string? found = null;
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            bool has = false;
            foreach (var pattern in patterns)
                if (Directory.EnumerateFiles(dir, pattern).Any()) { has = true; break; }
            if (!has) continue;
            if (found != null) return null;
            found = dir;
        }
        return found;
    }

    private static string? Child(string root, string name)
    {
        foreach (var dir in Directory.EnumerateDirectories(root))
            if (string.Equals(Path.GetFileName(dir), name, StringComparison.OrdinalIgnoreCase)) return dir;
        return null;
    }

    private static List<(string, string, string)> ReadSplitFile(string splitFile)
    {
        var ids = new List<(string, string, string)>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(splitFile))
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0) continue;
            // Per-class split files carry a second column (1 / -1); the id is the first.
            int space = trimmed.IndexOfAny([' ', '\t']);
            var id = space < 0 ? trimmed : trimmed[..space];
            ids.Add((id, splitFile, $"line {lineNumber} ({id})"));
        }
        return ids;
    }
}
