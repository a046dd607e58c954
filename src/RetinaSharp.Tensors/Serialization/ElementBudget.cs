namespace RetinaSharp.Tensors.Serialization;

/// <summary>
/// How many elements the tensors built from one checkpoint may hold in all. Tensors can repeat stored
/// elements: a broadcast view (stride 0, which torch.save keeps for expanded tensors), weights tied
/// through separate tensors over one storage, or entries that name the same tensor, each of which gets
/// its own copy. So the bound is a multiple of what the file stores, which real checkpoints stay far
/// below, and a few bytes of pickle cannot ask for gigabytes.
/// </summary>
internal sealed class ElementBudget(string source)
{
    private const long CopiesPerStoredElement = 4;

    /// <summary>Allowance on top, so that small files may still broadcast small tensors.</summary>
    private const long ExtraElements = 16L << 20;

    private long _stored;
    private long _used;

    private long Limit => _stored > (long.MaxValue - ExtraElements) / CopiesPerStoredElement ? long.MaxValue : _stored * CopiesPerStoredElement + ExtraElements;

    /// <summary>Elements the checkpoint's storages hold.</summary>
    public void AddStored(long elements) => _stored += elements;

    /// <summary>Counts a tensor of <paramref name="shape"/> about to be built for <paramref name="what"/>, refusing it past the bound.</summary>
    public void Take(ReadOnlySpan<int> shape, string what)
    {
        long elements = ElementConversion.CountElements(shape);
        if (elements > Limit - _used)
            throw new CheckpointFormatException(
                $"{source}: {what}: a tensor of shape {Tensor.FormatShape(shape)} would bring the checkpoint's tensors past {Limit} elements "
                + $"({CopiesPerStoredElement} per stored element for its {_stored}, plus {ExtraElements}); the file asks for far more memory than it holds.");
        _used += elements;
    }
}
