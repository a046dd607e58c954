using System.Text.Json;
using RetinaSharp.Models;
using RetinaSharp.Tensors.Serialization;

namespace RetinaSharp.Checkpoints;

/// <summary>
/// What a RetinaSharp checkpoint says besides its tensors: the model configuration, the classes,
/// and for a training run the options, the trainer's position and each hook's state (all JSON).
/// This is the one place checkpoint metadata is read and checked.
/// </summary>
public sealed record CheckpointMetadata
{
    public const string ConfigKey = "retinasharp.config";
    public const string OptionsKey = "retinasharp.training";
    public const string StateKey = "retinasharp.state";
    public const string ClassesKey = "retinasharp.classes";
    public const string CategoryIdsKey = "retinasharp.category_ids";
    public const string HookKeyPrefix = "retinasharp.hook.";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Null for a state dict that was not written by RetinaSharp (e.g. torchvision's).</summary>
    public RetinaNetConfig? Config { get; init; }

    /// <summary>Class names by label.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The training data's category id of each label.</summary>
    public IReadOnlyList<long>? CategoryIds { get; init; }

    /// <summary>The training options of the run, as JSON.</summary>
    public string? TrainingOptionsJson { get; init; }

    /// <summary>Where the run stands (iteration, loader position, time), as JSON.</summary>
    public string? TrainerStateJson { get; init; }

    /// <summary>Each training hook's state by hook name, as JSON.</summary>
    public IReadOnlyDictionary<string, string> HookStates { get; init; } = new Dictionary<string, string>();

    /// <summary>Reads and checks the metadata of a state dict; errors name the file and the key.</summary>
    public static CheckpointMetadata Read(IReadOnlyDictionary<string, string> metadata, string source)
    {
        var hooks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in metadata)
            if (k.StartsWith(HookKeyPrefix, StringComparison.Ordinal)) hooks[k[HookKeyPrefix.Length..]] = v;
        var result = new CheckpointMetadata
        {
            Config = Parse<RetinaNetConfig>(metadata, ConfigKey, source),
            ClassNames = Parse<List<string>>(metadata, ClassesKey, source),
            CategoryIds = Parse<List<long>>(metadata, CategoryIdsKey, source),
            TrainingOptionsJson = metadata.GetValueOrDefault(OptionsKey),
            TrainerStateJson = metadata.GetValueOrDefault(StateKey),
            HookStates = hooks,
        };
        if (result.Config is { } config)
        {
            try
            {
                config.Validate();
            }
            catch (ArgumentException e)
            {
                throw new CheckpointFormatException($"{source}: metadata '{ConfigKey}': {e.Message}");
            }
            if (result.ClassNames is { } names && names.Count != config.NumClasses)
                throw new CheckpointFormatException($"{source}: metadata '{ClassesKey}' lists {names.Count} classes but the model has {config.NumClasses}.");
            if (result.CategoryIds is { } ids && ids.Count != config.NumClasses)
                throw new CheckpointFormatException($"{source}: metadata '{CategoryIdsKey}' lists {ids.Count} ids but the model has {config.NumClasses} classes.");
        }
        return result;
    }

    /// <summary>The metadata as safetensors stores it.</summary>
    public Dictionary<string, string> ToDictionary()
    {
        var meta = new Dictionary<string, string> { ["format"] = "pt" };
        if (Config != null) meta[ConfigKey] = JsonSerializer.Serialize(Config, Json);
        if (TrainingOptionsJson != null) meta[OptionsKey] = TrainingOptionsJson;
        if (TrainerStateJson != null) meta[StateKey] = TrainerStateJson;
        if (ClassNames != null) meta[ClassesKey] = JsonSerializer.Serialize(ClassNames, Json);
        if (CategoryIds != null) meta[CategoryIdsKey] = JsonSerializer.Serialize(CategoryIds, Json);
        foreach (var (k, v) in HookStates) meta[HookKeyPrefix + k] = v;
        return meta;
    }

    private static T? Parse<T>(IReadOnlyDictionary<string, string> metadata, string key, string source) where T : class
    {
        if (!metadata.TryGetValue(key, out var json)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(json) ?? throw new CheckpointFormatException($"{source}: metadata '{key}' is null.");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{source}: metadata '{key}' is not valid: {e.Message}");
        }
    }
}
