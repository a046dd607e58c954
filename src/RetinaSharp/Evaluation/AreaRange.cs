namespace RetinaSharp.Evaluation;

/// <summary>
/// An object-size range of the COCO metrics, in square pixels of the annotation's <c>area</c>.
/// Both bounds are inclusive, so an area of exactly 32² counts as small and as medium.
/// </summary>
public readonly record struct AreaRange(string Label, double Min, double Max)
{
    public bool Contains(double area) => !(area < Min || area > Max);
}
