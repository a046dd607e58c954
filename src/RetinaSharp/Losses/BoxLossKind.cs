using System.Text.Json.Serialization;

namespace RetinaSharp.Losses;

/// <summary>Which box regression loss to train with.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BoxLossKind>))]
public enum BoxLossKind
{
    /// <summary>L1 on encoded deltas (torchvision v1, detectron2).</summary>
    L1,

    /// <summary>Smooth L1 with β (the paper and Detectron, β = 0.11).</summary>
    SmoothL1,

    /// <summary>Generalised IoU on decoded boxes (torchvision v2).</summary>
    GIoU,
}
