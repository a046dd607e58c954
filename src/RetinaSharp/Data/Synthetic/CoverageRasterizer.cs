namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// Turns a signed-distance shape into anti-aliased pixel coverage: coverage = clamp(0.5 - d, 0, 1) with d
/// the signed distance at the pixel centre. This is the exact area for a straight edge crossing an
/// axis-aligned pixel and a close estimate otherwise, and coverage is at least 0.5 exactly when the
/// pixel centre lies inside the shape, which is what makes the annotated boxes well defined.
/// </summary>
internal static class CoverageRasterizer
{
    private const int Tile = 4;

    /// <summary>
    /// The rectangle a mask of the shape will span: every pixel with coverage above 0 lies inside, with at
    /// least half a pixel of empty margin where the image allows.
    /// </summary>
    public static PixelBox Bounds(ISignedDistanceShape shape, int imageWidth, int imageHeight)
    {
        int x0 = Math.Max(0, (int)Math.Floor(shape.MinX) - 1);
        int y0 = Math.Max(0, (int)Math.Floor(shape.MinY) - 1);
        int x1 = Math.Min(imageWidth, (int)Math.Ceiling(shape.MaxX) + 1);
        int y1 = Math.Min(imageHeight, (int)Math.Ceiling(shape.MaxY) + 1);
        return new PixelBox(x0, y0, Math.Max(0, x1 - x0), Math.Max(0, y1 - y0));
    }

    /// <summary>
    /// Rasterises in 4×4 tiles: where the conservative distance at a tile's centre shows that every pixel
    /// centre of the tile is at least half a pixel inside or outside, the tile is filled without visiting
    /// its pixels. The result is identical to evaluating every pixel (<see cref="RasterizeEveryPixel"/>).
    /// </summary>
    public static CoverageMask Rasterize(ISignedDistanceShape shape, int imageWidth, int imageHeight)
    {
        var bounds = Bounds(shape, imageWidth, imageHeight);
        int w = bounds.Width, h = bounds.Height;
        var values = new float[w * h];
        for (int ty = 0; ty < h; ty += Tile)
        {
            int th = Math.Min(Tile, h - ty);
            for (int tx = 0; tx < w; tx += Tile)
            {
                int tw = Math.Min(Tile, w - tx);
                double cx = bounds.X + tx + 0.5 * tw, cy = bounds.Y + ty + 0.5 * th;
                // Farthest pixel centre from the tile centre, plus the half pixel where coverage saturates.
                double hx = 0.5 * (tw - 1), hy = 0.5 * (th - 1);
                double margin = Math.Sqrt(hx * hx + hy * hy) + 0.5;
                double bound = shape.ConservativeDistance(cx, cy);
                if (bound >= margin) continue;
                if (bound <= -margin)
                {
                    for (int ly = ty; ly < ty + th; ly++) values.AsSpan(ly * w + tx, tw).Fill(1f);
                    continue;
                }
                for (int ly = ty; ly < ty + th; ly++)
                {
                    double py = bounds.Y + ly + 0.5;
                    for (int lx = tx; lx < tx + tw; lx++)
                        values[ly * w + lx] = Coverage(shape.SignedDistance(bounds.X + lx + 0.5, py));
                }
            }
        }
        return new CoverageMask(bounds.X, bounds.Y, w, h, values);
    }

    /// <summary>The plain per-pixel evaluation that <see cref="Rasterize"/> must reproduce.</summary>
    public static CoverageMask RasterizeEveryPixel(ISignedDistanceShape shape, int imageWidth, int imageHeight)
    {
        var bounds = Bounds(shape, imageWidth, imageHeight);
        var values = new float[bounds.Width * bounds.Height];
        for (int ly = 0; ly < bounds.Height; ly++)
            for (int lx = 0; lx < bounds.Width; lx++)
                values[ly * bounds.Width + lx] = Coverage(shape.SignedDistance(bounds.X + lx + 0.5, bounds.Y + ly + 0.5));
        return new CoverageMask(bounds.X, bounds.Y, bounds.Width, bounds.Height, values);
    }

    private static float Coverage(double d)
    {
        if (d >= 0.5) return 0f;
        if (d <= -0.5) return 1f;
        float c = (float)(0.5 - d);
        // Rounding to float must not lift a centre just outside the shape to the threshold.
        if (d > 0 && c >= CoverageMask.Threshold) c = MathF.BitDecrement(CoverageMask.Threshold);
        return c;
    }
}
