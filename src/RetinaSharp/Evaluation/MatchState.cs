namespace RetinaSharp.Evaluation;

/// <summary>What a detection counts as at one IoU threshold and area range.</summary>
internal static class MatchState
{
    public const byte FalsePositive = 0;
    public const byte TruePositive = 1;

    /// <summary>Matched an ignored (crowd or out-of-range) object, or unmatched and itself out of range.</summary>
    public const byte Ignored = 2;
}
