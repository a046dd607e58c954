using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// The synth.json file beside a generated data set: how it was made (seed, counts and every setting),
/// enough to make it again, plus its counts. Holds nothing that changes between runs, such as times.
/// </summary>
public sealed class SyntheticManifest
{
    public const string FileName = "synth.json";
    public const string FormatName = "retinasharp-synthetic";
    public const int CurrentVersion = 1;

    public string Format { get; set; } = FormatName;
    public int Version { get; set; } = CurrentVersion;
    public ulong Seed { get; set; }
    public int TrainImages { get; set; }
    public int ValImages { get; set; }
    public SyntheticSettings Settings { get; set; } = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy);
    public List<string> Categories { get; set; } = [];
    public SyntheticSplitSummary? Train { get; set; }
    public SyntheticSplitSummary? Val { get; set; }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The options that reproduce the data set.</summary>
    public SyntheticOptions ToOptions() => new() { Settings = Settings, Seed = Seed, TrainImages = TrainImages, ValImages = ValImages };

    public void Save(string path) => AtomicFile.WriteJson(path, this, JsonOptions);

    public static SyntheticManifest Load(string path)
    {
        SyntheticManifest? manifest;
        try
        {
            using var stream = File.OpenRead(path);
            manifest = JsonSerializer.Deserialize<SyntheticManifest>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid synthetic data set manifest: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != FormatName)
            throw new InvalidDataException($"{path}: not a synthetic data set manifest (format must be \"{FormatName}\").");
        if (manifest.Version != CurrentVersion)
            throw new InvalidDataException($"{path}: manifest version {manifest.Version} is not supported (expected {CurrentVersion}).");
        return manifest;
    }
}
