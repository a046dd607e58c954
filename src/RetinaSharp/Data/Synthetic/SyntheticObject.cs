namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// One annotated object of a synthetic image.
/// </summary>
/// <param name="Kind">The shape.</param>
/// <param name="CategoryId">COCO category id (1..K, the kind's position in the settings' shape list plus one).</param>
/// <param name="Box">Tight box of the visible pixels (visible coverage at least <see cref="CoverageMask.Threshold"/>).</param>
/// <param name="Area">Number of visible pixels: the COCO "area" that decides small, medium or large.</param>
/// <param name="FullArea">Number of pixels the object would have with nothing in front of it.</param>
/// <param name="VisibleMask">Per-pixel coverage of the object after occlusion by the objects drawn over it.</param>
public sealed record SyntheticObject(ShapeKind Kind, int CategoryId, PixelBox Box, int Area, int FullArea, CoverageMask VisibleMask)
{
    /// <summary>Share of the object's pixels that remain visible (1 when nothing covers it).</summary>
    public double VisibleFraction => FullArea == 0 ? 0 : (double)Area / FullArea;
}
