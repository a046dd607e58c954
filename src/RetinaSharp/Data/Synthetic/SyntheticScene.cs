using RetinaSharp.Imaging;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// A rendered sample with the layers behind it, for checks that re-render parts of the image: the
/// picture before any object was drawn and each object's outline and unoccluded coverage.
/// </summary>
internal sealed class SyntheticScene(SyntheticSample sample, RgbImage? background, IReadOnlyList<ShapeGeometry> shapes, IReadOnlyList<CoverageMask> fullMasks)
{
    public SyntheticSample Sample { get; } = sample;

    /// <summary>Background and distractors without objects or final noise; null unless asked for.</summary>
    public RgbImage? Background { get; } = background;

    public IReadOnlyList<ShapeGeometry> Shapes { get; } = shapes;

    /// <summary>Each object's coverage before occlusion, in drawing order.</summary>
    public IReadOnlyList<CoverageMask> FullMasks { get; } = fullMasks;
}
