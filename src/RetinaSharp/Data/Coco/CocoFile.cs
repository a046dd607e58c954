using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetinaSharp.Data.Coco;

/// <summary>
/// The COCO instances JSON (images, annotations, categories), as read from and written to disk.
/// Only the fields detection needs are kept; segmentation is ignored.
/// </summary>
public sealed class CocoFile
{
    [JsonPropertyName("images")] public List<CocoImage> Images { get; set; } = [];
    [JsonPropertyName("annotations")] public List<CocoAnnotation> Annotations { get; set; } = [];
    [JsonPropertyName("categories")] public List<CocoCategory> Categories { get; set; } = [];

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads a COCO JSON file; syntax errors name the file, line and position.</summary>
    public static CocoFile Load(string path)
    {
        using var stream = OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize<CocoFile>(stream, JsonOptions)
                   ?? throw new InvalidDataException($"{path}: the file holds JSON null, not a COCO object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid COCO JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {e.Message}", e);
        }
    }

    /// <summary>Writes the file atomically (temp file, flush, rename).</summary>
    public void Save(string path) => AtomicFile.WriteJson(path, this, JsonOptions);

    internal static FileStream OpenRead(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException($"{path}: cannot open: {e.Message}", path, e);
        }
    }
}

public sealed class CocoImage
{
    [JsonPropertyName("id")] public long Id { get; set; }
    [JsonPropertyName("file_name")] public string FileName { get; set; } = "";
    [JsonPropertyName("width")] public int Width { get; set; }
    [JsonPropertyName("height")] public int Height { get; set; }
}

public sealed class CocoAnnotation
{
    [JsonPropertyName("id")] public long Id { get; set; }
    [JsonPropertyName("image_id")] public long ImageId { get; set; }
    [JsonPropertyName("category_id")] public long CategoryId { get; set; }

    /// <summary>[x, y, width, height] in pixels.</summary>
    [JsonPropertyName("bbox")] public double[] Bbox { get; set; } = [];

    /// <summary>Used by the COCO metrics for the small/medium/large ranges (not the box area).</summary>
    [JsonPropertyName("area")] public double? Area { get; set; }

    [JsonPropertyName("iscrowd")] public int IsCrowd { get; set; }

    /// <summary>Optional pycocotools flag: when set, the annotation is ignored ground truth.</summary>
    [JsonPropertyName("ignore")] public int? Ignore { get; set; }
}

public sealed class CocoCategory
{
    [JsonPropertyName("id")] public long Id { get; set; }
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("supercategory")] public string? Supercategory { get; set; }
}

/// <summary>One detection in the COCO results format.</summary>
public sealed class CocoResult
{
    [JsonPropertyName("image_id")] public long ImageId { get; set; }
    [JsonPropertyName("category_id")] public long CategoryId { get; set; }

    /// <summary>[x, y, width, height] in original image pixels.</summary>
    [JsonPropertyName("bbox")] public double[] Bbox { get; set; } = [];

    [JsonPropertyName("score")] public double Score { get; set; }

    /// <summary>The image file, when the results came from files (pycocotools ignores the field).</summary>
    [JsonPropertyName("file_name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FileName { get; set; }

    public static List<CocoResult> LoadList(string path)
    {
        using var stream = CocoFile.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize<List<CocoResult>>(stream, CocoFile.JsonOptions)
                   ?? throw new InvalidDataException($"{path}: the file holds JSON null, not a list of results.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid COCO results JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {e.Message}", e);
        }
    }

    public static void SaveList(string path, List<CocoResult> results) => AtomicFile.WriteJson(path, results, CocoFile.JsonOptions);
}
