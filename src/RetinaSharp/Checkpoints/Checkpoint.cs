using RetinaSharp.Models;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Optim;
using RetinaSharp.Tensors.Serialization;

namespace RetinaSharp.Checkpoints;

/// <summary>
/// A RetinaSharp checkpoint: one safetensors file holding the model ("model.*"), the optimiser
/// state ("optimizer.*") and <see cref="CheckpointMetadata"/>. Written atomically (temp file,
/// flush, rename), so a crash leaves the previous checkpoint intact. Dispose a loaded one after
/// copying what is needed.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    private Checkpoint(StateDict tensors, CheckpointMetadata metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    public StateDict Tensors { get; }

    public CheckpointMetadata Metadata { get; }

    public Dictionary<string, Tensor> Model => Tensors.WithPrefixRemoved("model.");

    public Dictionary<string, Tensor> Optimizer => Tensors.WithPrefixRemoved("optimizer.");

    public static void Save(string path, RetinaNet model, Optimizer? optimizer, CheckpointMetadata metadata)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (k, v) in model.StateDict()) tensors.Add(new("model." + k, v));
        List<KeyValuePair<string, Tensor>>? opt = optimizer?.StateDict();
        if (opt != null) foreach (var (k, v) in opt) tensors.Add(new("optimizer." + k, v));
        try
        {
            SafeTensors.Save(path, tensors, (metadata with { Config = model.Config }).ToDictionary());
        }
        finally
        {
            // The optimiser hands out its step counter as a fresh tensor; the buffers are its own.
            if (opt != null) foreach (var (k, v) in opt) if (k == "step") v.Dispose();
        }
    }

    /// <summary>Loads a checkpoint written by <see cref="Save"/>; refuses other files.</summary>
    public static Checkpoint Load(string path)
    {
        var tensors = SafeTensors.Load(path);
        try
        {
            var metadata = CheckpointMetadata.Read(tensors.Metadata, path);
            if (metadata.Config is null)
                throw new CheckpointFormatException($"{path}: the file has no '{CheckpointMetadata.ConfigKey}' metadata: it was not written by RetinaSharp.");
            return new Checkpoint(tensors, metadata);
        }
        catch
        {
            tensors.Dispose();
            throw;
        }
    }

    /// <summary>True when the file is a RetinaSharp checkpoint (a safetensors file with our config).</summary>
    public static bool IsCheckpoint(string path)
    {
        if (FileKind.DescribeIfNotRegular(path) is not null) return false;
        try
        {
            using var f = File.OpenRead(path);
            Span<byte> head = stackalloc byte[8];
            if (f.Read(head) != 8) return false;
            ulong n = BitConverter.ToUInt64(head);
            if (n > 100_000_000 || n > (ulong)f.Length) return false;
            var json = new byte[n];
            f.ReadExactly(json);
            return System.Text.Encoding.UTF8.GetString(json).Contains(CheckpointMetadata.ConfigKey, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose() => Tensors.Dispose();
}
