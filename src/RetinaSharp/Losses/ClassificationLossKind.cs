using System.Text.Json.Serialization;

namespace RetinaSharp.Losses;

/// <summary>Which classification loss to train with (focal loss and the paper's alternatives).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClassificationLossKind>))]
public enum ClassificationLossKind
{
    /// <summary>Sigmoid focal loss FL = −α_t (1 − p_t)^γ log p_t.</summary>
    Focal,

    /// <summary>α-balanced cross entropy (focal loss with γ = 0).</summary>
    AlphaBalancedCrossEntropy,

    /// <summary>Cross entropy on the hardest anchors only (online hard example mining).</summary>
    Ohem,

    /// <summary>Loss 0 where p_t exceeds a threshold, cross entropy below it (the paper's unstable variant).</summary>
    Hinge,
}
