namespace RetinaSharp.Postprocessing;

/// <summary>
/// How head outputs become detections (torchvision's score_thresh, nms_thresh,
/// topk_candidates and detections_per_img). The COCO protocol keeps 100 detections per image.
/// </summary>
public sealed record InferenceOptions
{
    public float ScoreThreshold { get; init; } = 0.05f;
    /// <summary>Compared in double with float32 IoUs, as torchvision does.</summary>
    public double NmsThreshold { get; init; } = 0.5;
    public int TopKCandidates { get; init; } = 1000;
    public int DetectionsPerImage { get; init; } = 300;

    public void Validate()
    {
        if (!(ScoreThreshold >= 0 && ScoreThreshold < 1)) throw new ArgumentException($"ScoreThreshold must lie in [0, 1), got {ScoreThreshold}.");
        if (!(NmsThreshold >= 0 && NmsThreshold <= 1)) throw new ArgumentException($"NmsThreshold must lie in [0, 1], got {NmsThreshold}.");
        if (TopKCandidates <= 0) throw new ArgumentException($"TopKCandidates must be positive, got {TopKCandidates}.");
        if (DetectionsPerImage <= 0) throw new ArgumentException($"DetectionsPerImage must be positive, got {DetectionsPerImage}.");
    }
}
