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
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights file not found.", path);
        if (Checkpoint.IsCheckpoint(path))
        {
            var sd = SafeTensors.Load(path);
            var model = new StateDict(sd.WithPrefixRemoved("model.").Select(kv => new KeyValuePair<string, Tensor>(kv.Key, sd.Detach("model." + kv.Key))));
            foreach (var (k, v) in sd.Metadata) model.Metadata[k] = v;
            sd.Dispose();
            return model;
        }
        using var probe = File.OpenRead(path);
        int b0 = probe.ReadByte(), b1 = probe.ReadByte();
        probe.Dispose();
        return b0 == 'P' && b1 == 'K' || b0 == 0x80 ? TorchCheckpoint.LoadStateDict(path) : SafeTensors.Load(path);
    }

    /// <summary>Loads a full RetinaNet state dict (strict: every key must match by name and shape).</summary>
    public static void LoadInto(RetinaNet model, string path)
    {
        using var sd = ReadStateDict(path);
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
