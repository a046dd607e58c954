namespace RetinaSharp.Data.Synthetic;

/// <summary>Counts for one written split.</summary>
/// <param name="ObjectsPerCategory">Objects of category id k at index k - 1.</param>
/// <param name="Small">Objects with area below 32² pixels (the COCO ranges).</param>
/// <param name="Medium">Objects with area from 32² to 96² pixels.</param>
/// <param name="Large">Objects with area above 96² pixels.</param>
/// <param name="Occluded">Objects partly hidden by others.</param>
public sealed record SyntheticSplitSummary(
    int Images, int EmptyImages, int Objects, IReadOnlyList<int> ObjectsPerCategory, int Small, int Medium, int Large, int Occluded);
