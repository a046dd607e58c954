namespace RetinaSharp.Evaluation;

/// <summary>
/// AP of one category over the first area range ("all") at the largest max-detections value:
/// <see cref="AP"/> averaged over IoU 0.50:0.95, <see cref="AP50"/> at IoU 0.50. Both are -1 when
/// the category has no non-crowd ground truth.
/// </summary>
public sealed record CocoCategoryAp(long CategoryId, string Name, double AP, double AP50);
