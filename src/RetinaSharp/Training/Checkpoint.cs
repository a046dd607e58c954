using System.Text.Json;
using RetinaSharp.Models;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Optim;
using RetinaSharp.Tensors.Serialization;

namespace RetinaSharp.Training;

/// <summary>Where a run stands: what a resumed run needs besides the tensors.</summary>
public sealed record TrainingState(int Iteration, int Epoch, int BatchInEpoch, double BestAp = -1, double ElapsedSeconds = 0);

/// <summary>
/// One safetensors file holding the model ("model.*"), the optimiser state ("optimizer.*") and, in
/// its metadata, the model config, the training options and the run state. Written atomically
/// (temp file, flush, rename), so a crash leaves the previous checkpoint intact.
/// </summary>
public static class Checkpoint
{
    public const string ConfigKey = "retinasharp.config";
    public const string OptionsKey = "retinasharp.training";
    public const string StateKey = "retinasharp.state";
    public const string ClassesKey = "retinasharp.classes";
    public const string CategoryIdsKey = "retinasharp.category_ids";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static void Save(string path, RetinaNet model, Optimizer? optimizer, TrainingOptions? options, TrainingState? state,
        IReadOnlyList<string>? classNames, IReadOnlyList<long>? categoryIds = null)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (k, v) in model.StateDict()) tensors.Add(new("model." + k, v));
        List<KeyValuePair<string, Tensor>>? opt = optimizer?.StateDict();
        if (opt != null) foreach (var (k, v) in opt) tensors.Add(new("optimizer." + k, v));
        var meta = new Dictionary<string, string> { [ConfigKey] = JsonSerializer.Serialize(model.Config, Json), ["format"] = "pt" };
        if (options != null) meta[OptionsKey] = options.ToJson();
        if (state != null) meta[StateKey] = JsonSerializer.Serialize(state, Json);
        if (classNames != null) meta[ClassesKey] = JsonSerializer.Serialize(classNames, Json);
        if (categoryIds != null) meta[CategoryIdsKey] = JsonSerializer.Serialize(categoryIds, Json);
        try
        {
            SafeTensors.Save(path, tensors, meta);
        }
        finally
        {
            // The optimiser hands out its step counter as a fresh tensor; the buffers are its own.
            if (opt != null) foreach (var (k, v) in opt) if (k == "step") v.Dispose();
        }
    }

    /// <summary>A loaded checkpoint; dispose it after copying what is needed.</summary>
    public sealed class Contents(StateDict tensors) : IDisposable
    {
        public StateDict Tensors { get; } = tensors;

        public RetinaNetConfig Config => JsonSerializer.Deserialize<RetinaNetConfig>(Require(ConfigKey))!;

        public TrainingOptions? Options => Tensors.Metadata.TryGetValue(OptionsKey, out var s) ? TrainingOptions.FromJson(s, OptionsKey) : null;

        public TrainingState? State => Tensors.Metadata.TryGetValue(StateKey, out var s) ? JsonSerializer.Deserialize<TrainingState>(s) : null;

        public List<string>? ClassNames => Tensors.Metadata.TryGetValue(ClassesKey, out var s) ? JsonSerializer.Deserialize<List<string>>(s) : null;

        public Dictionary<string, Tensor> Model => Tensors.WithPrefixRemoved("model.");

        public Dictionary<string, Tensor> Optimizer => Tensors.WithPrefixRemoved("optimizer.");

        private string Require(string key) => Tensors.Metadata.TryGetValue(key, out var s)
            ? s : throw new CheckpointFormatException($"The checkpoint has no '{key}' metadata: it was not written by RetinaSharp.");

        public void Dispose() => Tensors.Dispose();
    }

    public static Contents Load(string path) => new(SafeTensors.Load(path));

    /// <summary>True when the file is a RetinaSharp checkpoint (a safetensors file with our config).</summary>
    public static bool IsCheckpoint(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            Span<byte> head = stackalloc byte[8];
            if (f.Read(head) != 8) return false;
            ulong n = BitConverter.ToUInt64(head);
            if (n > 100_000_000 || n > (ulong)f.Length) return false;
            var json = new byte[n];
            f.ReadExactly(json);
            return System.Text.Encoding.UTF8.GetString(json).Contains(ConfigKey, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
