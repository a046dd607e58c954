namespace RetinaSharp.Tensors.Serialization;

/// <summary>A Python global the unpickler allowed (module and name), standing for a class or function.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => Module + "." + Name;
    public override string ToString() => FullName;
}

/// <summary>A Python tuple.</summary>
public sealed record PickleTuple(object?[] Items);

/// <summary>
/// An object of an allowed but inert class (e.g. argparse.Namespace in training checkpoints):
/// its constructor arguments and state are kept as data; nothing is executed.
/// </summary>
public sealed class PickleObject(PickleGlobal type, object?[] args)
{
    public PickleGlobal Type { get; } = type;
    public object?[] Args { get; } = args;
    public object? State { get; set; }
    public override string ToString() => $"<{Type.FullName}>";
}

/// <summary>A tensor described by the pickle, materialised once the storages are read.</summary>
internal sealed record PendingTensor(StorageRef Storage, long Offset, int[] Shape, long[] Stride);

/// <summary>A persistent storage reference: element type, key into the archive, element count.</summary>
internal sealed record StorageRef(string TypeName, string Key, long NumElements, long ElementOffset = 0);
