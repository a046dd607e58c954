namespace RetinaSharp.Checkpoints;

/// <summary>What a published weights file holds.</summary>
public enum PretrainedWeightsKind
{
    /// <summary>An ImageNet classifier: its body starts a RetinaNet backbone.</summary>
    Backbone,

    /// <summary>A whole RetinaNet trained on COCO.</summary>
    Detector,
}
