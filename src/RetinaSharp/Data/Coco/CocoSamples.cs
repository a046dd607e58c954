using RetinaSharp.Imaging;
using RetinaSharp.Training;

namespace RetinaSharp.Data.Coco;

/// <summary>
/// A COCO instances file with its image folder as training/evaluation samples: categories map to
/// contiguous labels in id order, crowd boxes become ignore regions, images without annotations
/// stay as negatives, and boxes with no area are dropped (counted in <see cref="DroppedBoxes"/>).
/// </summary>
public sealed class CocoSamples : IDetectionSamples
{
    private readonly string _imageRoot;
    private readonly List<CocoImage> _images;
    private readonly Dictionary<long, List<CocoAnnotation>> _byImage = new();
    private readonly Dictionary<long, int> _labelOf = new();

    public CocoSamples(CocoFile file, string imageRoot, string source = "COCO file")
    {
        File_ = file;
        _imageRoot = Path.GetFullPath(imageRoot);
        _images = file.Images;
        var cats = file.Categories.OrderBy(c => c.Id).ToList();
        CategoryIds = cats.Select(c => c.Id).ToArray();
        ClassNames = cats.Select(c => c.Name).ToArray();
        for (int i = 0; i < cats.Count; i++) _labelOf[cats[i].Id] = i;
        var imageIds = new HashSet<long>();
        foreach (var im in _images)
            if (!imageIds.Add(im.Id)) throw new InvalidDataException($"{source}: image id {im.Id} appears twice.");
        foreach (var a in file.Annotations)
        {
            if (!imageIds.Contains(a.ImageId)) throw new InvalidDataException($"{source}: annotation {a.Id} refers to unknown image {a.ImageId}.");
            if (!_labelOf.ContainsKey(a.CategoryId)) throw new InvalidDataException($"{source}: annotation {a.Id} has unknown category {a.CategoryId}.");
            if (a.Bbox.Length != 4) throw new InvalidDataException($"{source}: annotation {a.Id} has a bbox of {a.Bbox.Length} numbers, not 4.");
            if (!_byImage.TryGetValue(a.ImageId, out var list)) _byImage[a.ImageId] = list = [];
            list.Add(a);
        }
    }

    public static CocoSamples Load(string jsonPath, string? imageRoot = null) =>
        new(CocoFile.Load(jsonPath), imageRoot ?? Path.GetDirectoryName(Path.GetFullPath(jsonPath))!, jsonPath);

    /// <summary>The parsed file (ground truth for COCO evaluation).</summary>
    public CocoFile File_ { get; }

    /// <summary>COCO category id by contiguous label.</summary>
    public long[] CategoryIds { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public int Count => _images.Count;

    public int DroppedBoxes { get; private set; }

    public (int Width, int Height) Size(int index) => (_images[index].Width, _images[index].Height);

    public long ImageId(int index) => _images[index].Id;

    public string ImagePath(int index)
    {
        var name = _images[index].FileName;
        if (Path.IsPathRooted(name) || name.Split('/', '\\').Contains(".."))
            throw new InvalidDataException($"Image {_images[index].Id}: file name '{name}' leaves the image folder.");
        return Path.Combine(_imageRoot, name);
    }

    public DetectionSample Load(int index)
    {
        var im = _images[index];
        var image = ImageFile.Load(ImagePath(index));
        var boxes = new List<float>();
        var labels = new List<int>();
        var ignore = new List<float>();
        if (_byImage.TryGetValue(im.Id, out var anns))
        {
            foreach (var a in anns)
            {
                float x1 = (float)a.Bbox[0], y1 = (float)a.Bbox[1];
                float x2 = x1 + (float)a.Bbox[2], y2 = y1 + (float)a.Bbox[3];
                x1 = Math.Clamp(x1, 0, image.Width); x2 = Math.Clamp(x2, 0, image.Width);
                y1 = Math.Clamp(y1, 0, image.Height); y2 = Math.Clamp(y2, 0, image.Height);
                if (!(x2 > x1 && y2 > y1)) { DroppedBoxes++; continue; }
                if (a.IsCrowd != 0 || a.Ignore is 1) { ignore.AddRange([x1, y1, x2, y2]); continue; }
                boxes.AddRange([x1, y1, x2, y2]);
                labels.Add(_labelOf[a.CategoryId]);
            }
        }
        return new DetectionSample(im.Id, image, [.. boxes], [.. labels], [.. ignore]);
    }
}
