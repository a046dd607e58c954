using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Backbones;

/// <summary>The normalisation layer a backbone uses.</summary>
public enum NormKind
{
    /// <summary>Batch norm with fixed statistics (torchvision's FrozenBatchNorm2d), for pretrained weights.</summary>
    FrozenBatchNorm,

    /// <summary>Trainable batch norm (statistics from each batch in training).</summary>
    BatchNorm,

    /// <summary>Group norm with 32 groups (fewer when the channel count needs it): trains from scratch with small batches.</summary>
    GroupNorm,
}

internal static class NormLayers
{
    public static Module Create(NormKind kind, int channels) => kind switch
    {
        NormKind.FrozenBatchNorm => new FrozenBatchNorm2d(channels),
        NormKind.BatchNorm => new BatchNorm2d(channels),
        NormKind.GroupNorm => new GroupNorm(GroupCount(channels), channels),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>32 groups as in the GroupNorm paper and torchvision v2, or the largest divisor below 32 for narrow layers.</summary>
    public static int GroupCount(int channels)
    {
        for (int g = Math.Min(32, channels); g > 1; g--)
            if (channels % g == 0) return g;
        return 1;
    }
}
