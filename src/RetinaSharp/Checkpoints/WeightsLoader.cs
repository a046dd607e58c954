using RetinaSharp.Models;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Serialization;

namespace RetinaSharp.Checkpoints;

/// <summary>Loads weights into a model from our checkpoints, torchvision RetinaNet state dicts, or ImageNet ResNets.</summary>
public static class WeightsLoader
{
    /// <summary>Reads a state dict from a RetinaSharp checkpoint, a safetensors file, or a PyTorch .pth file.</summary>
    public static StateDict ReadStateDict(string path)
    {
        // Before anything opens it: a FIFO would block the open, a device would never end.
        if (FileKind.DescribeIfNotRegular(path) is { } kind) throw new CheckpointFormatException($"{path}: is {kind}, not a weights file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights file not found.", path);
        if (Checkpoint.IsCheckpoint(path))
        {
            var sd = SafeTensors.Load(path);
            var model = new StateDict(sd.WithPrefixRemoved("model.").Select(kv => new KeyValuePair<string, Tensor>(kv.Key, sd.Detach("model." + kv.Key))));
            foreach (var (k, v) in sd.Metadata) model.Metadata[k] = v;
            sd.Dispose();
            return model;
        }
        Span<byte> head = stackalloc byte[9];
        int read;
        long length;
        using (var probe = File.OpenRead(path))
        {
            length = probe.Length;
            read = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        if (read >= 2 && (head[0] == 'P' && head[1] == 'K' || head[0] == 0x80)) return TorchCheckpoint.LoadStateDict(path);
        // safetensors starts with the little-endian length of its JSON header, and the header with '{'.
        ulong headerLength = read >= 8 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head) : ulong.MaxValue;
        if (read < 9 || headerLength > (ulong)Math.Max(0, length - 8) || head[8] != '{')
            throw new CheckpointFormatException($"{path}: not a weights file: neither a PyTorch .pth (zip or pickle) nor safetensors.");
        return SafeTensors.Load(path);
    }

    /// <summary>Loads a full RetinaNet state dict (strict: every key must match by name and shape).</summary>
    public static void LoadInto(RetinaNet model, string path)
    {
        using var sd = ReadStateDict(path);
        LoadInto(model, sd, path);
    }

    /// <summary>The classification head's last layer, whose shape depends on the number of classes.</summary>
    public const string ClassifierPrefix = "head.classification_head.cls_logits.";

    /// <summary>
    /// Loads a full RetinaNet state dict to fine-tune from. When its classifier was trained for
    /// another number of classes (a torchvision COCO model has 91), that layer keeps the model's own
    /// initialisation (weights N(0, 0.01), bias from the prior π) and everything else is loaded
    /// strictly. Returns a sentence saying what was done, for the run's log.
    /// </summary>
    public static string LoadForFineTuning(RetinaNet model, string path)
    {
        using var sd = ReadStateDict(path);
        var own = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in model.StateDict()) own[k] = v;
        bool mismatch = false;
        int theirClasses = 0;
        foreach (var (k, v) in sd)
        {
            if (!k.StartsWith(ClassifierPrefix, StringComparison.Ordinal) || !own.TryGetValue(k, out var mine)) continue;
            if (!v.Shape.SequenceEqual(mine.Shape))
            {
                mismatch = true;
                if (k.EndsWith("bias", StringComparison.Ordinal)) theirClasses = v.Size(0) / model.Config.AnchorsPerLocation;
            }
        }
        if (!mismatch)
        {
            LoadInto(model, sd, path);
            return $"Loaded {path}.";
        }
        var kept = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in sd)
            if (!k.StartsWith(ClassifierPrefix, StringComparison.Ordinal)) kept[k] = v;
        var result = model.LoadStateDict(kept, strict: false);
        var missing = result.MissingKeys.Where(k => !k.StartsWith(ClassifierPrefix, StringComparison.Ordinal)).ToList();
        if (missing.Count > 0 || result.UnexpectedKeys.Count > 0)
            throw new Tensors.Nn.StateDictException($"{path}: does not fit the model: missing {string.Join(", ", missing.Take(5))}; unexpected {string.Join(", ", result.UnexpectedKeys.Take(5))}.");
        return $"Loaded {path} except its classifier, trained for {theirClasses} classes: the {model.Config.NumClasses}-class classifier starts from the prior (pi = {model.Config.PriorProbability}).";
    }

    private static void LoadInto(RetinaNet model, StateDict sd, string path)
    {
        try
        {
            model.LoadStateDict(sd);
        }
        catch (Tensors.Nn.StateDictException e)
        {
            throw new Tensors.Nn.StateDictException($"{path}: {e.Message}");
        }
    }

    /// <summary>
    /// Loads an ImageNet ResNet state dict (conv1, bn1, layer1..4; fc and batch-norm counters ignored)
    /// into the backbone body. Every body tensor must be present.
    /// </summary>
    public static void LoadBackbone(RetinaNet model, string path)
    {
        using var sd = ReadStateDict(path);
        var own = model.Backbone.Body.StateDict().Select(kv => kv.Key).ToHashSet();
        var filtered = new Dictionary<string, Tensor>();
        foreach (var (k, v) in sd)
        {
            var key = k.StartsWith("backbone.body.", StringComparison.Ordinal) ? k["backbone.body.".Length..] : k;
            if (key.StartsWith("fc.", StringComparison.Ordinal) || (key.EndsWith("num_batches_tracked", StringComparison.Ordinal) && !own.Contains(key))) continue;
            filtered[key] = v;
        }
        try
        {
            model.Backbone.Body.LoadStateDict(filtered);
        }
        catch (Tensors.Nn.StateDictException e)
        {
            throw new Tensors.Nn.StateDictException($"{path}: backbone weights do not fit {model.Config.Backbone}: {e.Message}");
        }
    }
}
