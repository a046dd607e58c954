namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// A 2-D shape in image pixel coordinates (x right, y down; pixel (i, j) covers [i, i+1) x [j, j+1)),
/// described by a signed distance: negative inside, positive outside, about one unit per pixel near the edge.
/// </summary>
internal interface ISignedDistanceShape
{
    /// <summary>Bounds of the shape itself; the anti-aliased fringe reaches half a pixel further.</summary>
    double MinX { get; }
    double MinY { get; }
    double MaxX { get; }
    double MaxY { get; }

    double SignedDistance(double x, double y);

    /// <summary>
    /// A bound that lets the rasteriser skip whole tiles: it has the sign of <see cref="SignedDistance"/>,
    /// is never larger in magnitude, and changes by at most the distance moved (1-Lipschitz). For an
    /// exact distance it is the distance itself.
    /// </summary>
    double ConservativeDistance(double x, double y);
}
