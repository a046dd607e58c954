using RetinaSharp.Data.Synthetic;
using RetinaSharp.Imaging;
using Xunit;

namespace RetinaSharp.Tests.Data.Synthetic;

/// <summary>The annotated boxes and areas against the pixels that were actually drawn.</summary>
public sealed class SyntheticBoxTests
{
    [Theory]
    [InlineData(SyntheticDifficulty.Easy)]
    [InlineData(SyntheticDifficulty.Standard)]
    [InlineData(SyntheticDifficulty.Hard)]
    public void BoxAndAreaAreTheTightBoxAndCountOfTheVisibleMask(SyntheticDifficulty difficulty)
    {
        var generator = new SyntheticImageGenerator(SyntheticSettings.ForDifficulty(difficulty), 3);
        int objects = 0;
        for (int i = 0; i < 30; i++)
        {
            foreach (var o in generator.Render(i).Objects)
            {
                var m = o.VisibleMask;
                int minX = int.MaxValue, minY = int.MaxValue, maxX = int.MinValue, maxY = int.MinValue, count = 0;
                for (int y = m.Y; y < m.Y + m.Height; y++)
                {
                    for (int x = m.X; x < m.X + m.Width; x++)
                    {
                        if (m[x, y] < 0.5f) continue;
                        count++;
                        minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
                        minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
                    }
                }
                Assert.Equal(new PixelBox(minX, minY, maxX - minX + 1, maxY - minY + 1), o.Box);
                Assert.Equal(count, o.Area);
                Assert.True(o.Area <= o.FullArea);
                objects++;
            }
        }
        Assert.True(objects > 60, $"only {objects} objects");
    }

    /// <summary>
    /// Re-renders each object white and everything else black with the image's own blending: a pixel is
    /// then 255 × the object's visible coverage, so the box read off the pixels must be the annotation.
    /// Pixels within rounding of the 0.5 threshold (127 or 128) may fall either way.
    /// </summary>
    [Theory]
    [InlineData(SyntheticDifficulty.Easy, 12)]
    [InlineData(SyntheticDifficulty.Hard, 24)]
    public void SilhouettePixelsGiveTheAnnotatedBoxes(SyntheticDifficulty difficulty, int images)
    {
        var generator = new SyntheticImageGenerator(SyntheticSettings.ForDifficulty(difficulty), 8);
        int occluded = 0;
        for (int i = 0; i < images; i++)
        {
            var sample = generator.Render(i, SyntheticSplit.Val);
            var silhouettes = generator.RenderSilhouettes(i, SyntheticSplit.Val);
            Assert.Equal(sample.Objects.Count, silhouettes.Count);
            for (int k = 0; k < sample.Objects.Count; k++)
            {
                var o = sample.Objects[k];
                var silhouette = silhouettes[k];
                var (sure, sureCount) = PixelBox(silhouette, 129);
                var (maybe, maybeCount) = PixelBox(silhouette, 127);
                Assert.True(Contains(o.Box, sure), $"image {i} object {k}: {o.Box} does not hold the certain pixels {sure}");
                Assert.True(Contains(maybe, o.Box), $"image {i} object {k}: {o.Box} reaches beyond the drawn pixels {maybe}");
                Assert.InRange(o.Area, sureCount, maybeCount);
                if (o.Area < o.FullArea) occluded++;
            }
        }
        if (difficulty == SyntheticDifficulty.Hard) Assert.True(occluded > 0, "no occluded object to check");
    }

    /// <summary>
    /// Easy images hold nothing but background and annotated objects: outside the boxes every pixel
    /// equals the background layer, and inside, the object's fully covered pixels stand out from it.
    /// The boxes are grown by 4 px first: besides the half-pixel anti-aliased fringe, a sharp tip (the
    /// narrowest triangle's apex is 19°) can run about 3 px past the last pixel centre it covers, drawn
    /// faintly (coverage under 0.5) and so outside the box by definition.
    /// </summary>
    [Fact]
    public void EasyImagesHaveNoUnannotatedInk()
    {
        var generator = new SyntheticImageGenerator(SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy), 21);
        for (int i = 0; i < 20; i++)
        {
            var scene = generator.Compose(i, SyntheticSplit.Train, keepBackground: true);
            var image = scene.Sample.Image;
            var background = scene.Background!;
            var inBox = new bool[image.Width * image.Height];
            foreach (var o in scene.Sample.Objects)
                for (int y = Math.Max(0, o.Box.Y - 4); y < Math.Min(image.Height, o.Box.Bottom + 4); y++)
                    for (int x = Math.Max(0, o.Box.X - 4); x < Math.Min(image.Width, o.Box.Right + 4); x++)
                        inBox[y * image.Width + x] = true;
            for (int p = 0; p < inBox.Length; p++)
            {
                if (inBox[p]) continue;
                for (int c = 0; c < 3; c++)
                    if (image.Pixels[3 * p + c] != background.Pixels[3 * p + c])
                        Assert.Fail($"image {i}: pixel {p % image.Width},{p / image.Width} differs from the background outside every box");
            }
            foreach (var o in scene.Sample.Objects)
            {
                int solid = 0;
                for (int y = o.Box.Y; y < o.Box.Bottom; y++)
                {
                    for (int x = o.Box.X; x < o.Box.Right; x++)
                    {
                        if (o.VisibleMask[x, y] < 1f) continue;
                        solid++;
                        int q = 3 * (y * image.Width + x);
                        double dr = image.Pixels[q] - background.Pixels[q], dg = image.Pixels[q + 1] - background.Pixels[q + 1], db = image.Pixels[q + 2] - background.Pixels[q + 2];
                        Assert.True(Math.Sqrt(dr * dr + dg * dg + db * db) >= 25, $"image {i}: object at {o.Box} hardly differs from the background at {x},{y}");
                    }
                }
                Assert.True(solid > 0);
            }
        }
    }

    private static (PixelBox Box, int Count) PixelBox(RgbImage image, int threshold)
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1, count = 0;
        for (int y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            for (int x = 0; x < image.Width; x++)
            {
                // All three channels carry the same value in a silhouette.
                if (row[3 * x] != row[3 * x + 1] || row[3 * x] != row[3 * x + 2]) Assert.Fail($"silhouette pixel {x},{y} is not grey");
                if (row[3 * x] < threshold) continue;
                count++;
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y); maxY = y;
            }
        }
        return count == 0 ? (default, 0) : (new PixelBox(minX, minY, maxX - minX + 1, maxY - minY + 1), count);
    }

    private static bool Contains(PixelBox outer, PixelBox inner) =>
        inner.IsEmpty || (outer.X <= inner.X && outer.Y <= inner.Y && outer.Right >= inner.Right && outer.Bottom >= inner.Bottom);
}
