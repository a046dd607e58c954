using RetinaSharp.Data.Synthetic;
using RetinaSharp.Tensors;
using Xunit;

namespace RetinaSharp.Tests.Data.Synthetic;

public sealed class CoverageRasterizerTests
{
    private static readonly SyntheticSettings Wide = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Hard, 256);

    [Fact]
    public void TiledRasterisationEqualsEveryPixelEvaluation()
    {
        var rng = new RandomGenerator(11);
        int shapes = 0;
        foreach (var kind in ShapeKinds.All)
        {
            for (int i = 0; i < 25; i++)
            {
                var shape = ShapeGeometry.Sample(rng, kind, Wide);
                if (shape is null) continue;
                AssertSameMask(CoverageRasterizer.RasterizeEveryPixel(shape, 256, 256), CoverageRasterizer.Rasterize(shape, 256, 256), kind.ToString());
                shapes++;
            }
        }
        for (int i = 0; i < 120; i++)
        {
            var clutter = ClutterShape.Sample(rng, 256);
            AssertSameMask(CoverageRasterizer.RasterizeEveryPixel(clutter, 256, 256), CoverageRasterizer.Rasterize(clutter, 256, 256), clutter.Kind.ToString());
        }
        Assert.True(shapes > 150, $"only {shapes} shapes were drawn");
    }

    [Fact]
    public void CircleCoversExactlyThePixelCentresWithinItsRadius()
    {
        var circle = ShapeGeometry.CreateCircle(40.3, 37.8, 17.45);
        var mask = CoverageRasterizer.Rasterize(circle, 100, 100);
        double sum = 0;
        for (int y = 0; y < 100; y++)
        {
            for (int x = 0; x < 100; x++)
            {
                double dx = x + 0.5 - 40.3, dy = y + 0.5 - 37.8;
                double r = Math.Sqrt(dx * dx + dy * dy);
                float c = mask[x, y];
                sum += c;
                if (r < 17.45 - 0.75) Assert.Equal(1f, c);
                else if (r > 17.45 + 0.75) Assert.Equal(0f, c);
                else if (Math.Abs(r - 17.45) > 1e-9) Assert.Equal(r < 17.45, c >= CoverageMask.Threshold);
            }
        }
        // Anti-aliased coverage integrates to the disc's area.
        Assert.InRange(sum, Math.PI * 17.45 * 17.45 * 0.995, Math.PI * 17.45 * 17.45 * 1.005);
    }

    [Fact]
    public void RotatedEllipseCoversThePixelCentresInsideIt()
    {
        double cx = 60.2, cy = 50.7, a = 30, b = 11, angle = 0.7;
        var ellipse = ShapeGeometry.CreateEllipse(cx, cy, a, b, angle);
        var mask = CoverageRasterizer.Rasterize(ellipse, 128, 128);
        double sum = 0;
        for (int y = 0; y < 128; y++)
        {
            for (int x = 0; x < 128; x++)
            {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                double u = (dx * Math.Cos(angle) + dy * Math.Sin(angle)) / a, v = (-dx * Math.Sin(angle) + dy * Math.Cos(angle)) / b;
                double q = u * u + v * v;
                sum += mask[x, y];
                if (Math.Abs(q - 1) > 1e-9) Assert.Equal(q < 1, mask[x, y] >= CoverageMask.Threshold);
            }
        }
        Assert.InRange(sum, Math.PI * a * b * 0.99, Math.PI * a * b * 1.01);
    }

    [Fact]
    public void PolygonsCoverThePixelCentresInsideThemByTheWindingNumber()
    {
        var rng = new RandomGenerator(5);
        foreach (var kind in new[] { ShapeKind.Square, ShapeKind.Triangle, ShapeKind.Cross, ShapeKind.Bar, ShapeKind.Star })
        {
            for (int i = 0; i < 10; i++)
            {
                var shape = ShapeGeometry.Sample(rng, kind, Wide);
                if (shape is null) continue;
                var xs = shape.VertexX.ToArray();
                var ys = shape.VertexY.ToArray();
                var mask = CoverageRasterizer.Rasterize(shape, 256, 256);
                int inside = 0;
                for (int y = mask.Y; y < mask.Y + mask.Height; y++)
                {
                    for (int x = mask.X; x < mask.X + mask.Width; x++)
                    {
                        double px = x + 0.5, py = y + 0.5;
                        if (NearAnEdge(xs, ys, px, py)) continue;
                        bool expected = WindingNumber(xs, ys, px, py) != 0;
                        Assert.Equal(expected, mask[x, y] >= CoverageMask.Threshold);
                        if (expected) inside++;
                    }
                }
                Assert.True(inside > 0, $"{kind} covers no pixel centre");
                // Coverage integrates to the polygon's area (shoelace formula).
                double area = 0;
                for (int k = 0, j = xs.Length - 1; k < xs.Length; j = k++) area += xs[j] * ys[k] - xs[k] * ys[j];
                area = Math.Abs(area) / 2;
                double sum = 0;
                foreach (var c in mask.Values) sum += c;
                Assert.InRange(sum, area * 0.97 - 2, area * 1.03 + 2);
            }
        }
    }

    private static int WindingNumber(double[] xs, double[] ys, double px, double py)
    {
        int winding = 0;
        for (int k = 0; k < xs.Length; k++)
        {
            int n = (k + 1) % xs.Length;
            double cross = (xs[n] - xs[k]) * (py - ys[k]) - (px - xs[k]) * (ys[n] - ys[k]);
            if (ys[k] <= py && ys[n] > py && cross > 0) winding++;
            else if (ys[k] > py && ys[n] <= py && cross < 0) winding--;
        }
        return winding;
    }

    private static bool NearAnEdge(double[] xs, double[] ys, double px, double py)
    {
        for (int k = 0; k < xs.Length; k++)
        {
            int n = (k + 1) % xs.Length;
            double ex = xs[n] - xs[k], ey = ys[n] - ys[k];
            double t = Math.Clamp(((px - xs[k]) * ex + (py - ys[k]) * ey) / (ex * ex + ey * ey), 0, 1);
            double dx = px - xs[k] - t * ex, dy = py - ys[k] - t * ey;
            if (dx * dx + dy * dy < 1e-12) return true;
        }
        return false;
    }

    private static void AssertSameMask(CoverageMask expected, CoverageMask actual, string what)
    {
        Assert.Equal(expected.Bounds, actual.Bounds);
        for (int i = 0; i < expected.Values.Length; i++)
            if (expected.Values[i] != actual.Values[i])
                Assert.Fail($"{what}: coverage differs at {i % expected.Width + expected.X},{i / expected.Width + expected.Y}: {expected.Values[i]} vs {actual.Values[i]}");
    }
}
