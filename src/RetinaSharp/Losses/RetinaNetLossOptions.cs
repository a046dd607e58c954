namespace RetinaSharp.Losses;

/// <summary>What the RetinaNet loss needs to know: anchor matching and the two loss terms.</summary>
public sealed record RetinaNetLossOptions
{
    public float ForegroundIou { get; init; } = 0.5f;
    public float BackgroundIou { get; init; } = 0.4f;
    public bool AllowLowQualityMatches { get; init; } = true;
    public ClassificationLossKind ClassificationLoss { get; init; } = ClassificationLossKind.Focal;
    public float FocalAlpha { get; init; } = 0.25f;
    public float FocalGamma { get; init; } = 2f;
    public float HingeThreshold { get; init; } = 0.5f;
    public int OhemBatchSize { get; init; } = 256;
    public float OhemForegroundFraction { get; init; }
    public float OhemNmsThreshold { get; init; } = 0.5f;
    public BoxLossKind BoxLoss { get; init; } = BoxLossKind.L1;
    public float SmoothL1Beta { get; init; } = 0.11f;
}
