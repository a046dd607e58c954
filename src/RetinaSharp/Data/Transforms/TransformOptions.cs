namespace RetinaSharp.Data.Transforms;

/// <summary>
/// The input transform's settings, with torchvision's GeneralizedRCNNTransform defaults for RetinaNet.
/// </summary>
public sealed record TransformOptions
{
    public static TransformOptions Default { get; } = new();

    /// <summary>
    /// Shorter-side targets. Training draws one per image (multi-scale training); evaluation uses
    /// the last, as torchvision does.
    /// </summary>
    public IReadOnlyList<int> MinSizes { get; init; } = [800];

    /// <summary>Cap on the longer side after resizing.</summary>
    public int MaxSize { get; init; } = 1333;

    /// <summary>Per-channel (R, G, B) mean and standard deviation of pixels scaled to [0, 1].</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0.485f, 0.456f, 0.406f];

    public IReadOnlyList<float> Std { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>Batches are padded (bottom and right, with zeros) to a multiple of this.</summary>
    public int SizeDivisible { get; init; } = 32;

    internal void Validate()
    {
        if (MinSizes is null || MinSizes.Count == 0) throw new ArgumentException("MinSizes must list at least one size.");
        foreach (var s in MinSizes)
            if (s <= 0) throw new ArgumentException($"MinSizes holds {s}; sizes must be positive.");
        if (MaxSize <= 0) throw new ArgumentException($"MaxSize {MaxSize} is not positive.");
        if (Mean is null || Mean.Count != 3 || Std is null || Std.Count != 3) throw new ArgumentException("Mean and Std need 3 values (R, G, B).");
        foreach (var s in Std)
            if (!(s > 0)) throw new ArgumentException($"Std holds {s}; it must be positive.");
        if (SizeDivisible <= 0) throw new ArgumentException($"SizeDivisible {SizeDivisible} is not positive.");
    }
}
