using RetinaSharp.Data.Synthetic;
using Xunit;

namespace RetinaSharp.Tests.Data.Synthetic;

/// <summary>What the difficulty presets promise about classes, counts, sizes, stretch and occlusion.</summary>
public sealed class SyntheticContentTests
{
    private static readonly Lazy<List<SyntheticSample>> EasySamples = new(() => RenderMany(SyntheticDifficulty.Easy, 240));
    private static readonly Lazy<List<SyntheticSample>> HardSamples = new(() => RenderMany(SyntheticDifficulty.Hard, 120));

    private static List<SyntheticSample> RenderMany(SyntheticDifficulty difficulty, int count)
    {
        var generator = new SyntheticImageGenerator(SyntheticSettings.ForDifficulty(difficulty), 1);
        var samples = new SyntheticSample[count];
        Parallel.For(0, count, i => samples[i] = generator.Render(i));
        return [.. samples];
    }

    [Fact]
    public void EveryClassAppearsWithinAFewImages()
    {
        var generator = new SyntheticImageGenerator(SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy), 1);
        var seen = new HashSet<ShapeKind>();
        for (int i = 0; i < 40; i++)
            foreach (var o in generator.Render(i).Objects)
            {
                seen.Add(o.Kind);
                Assert.Equal(generator.Settings.Shapes[o.CategoryId - 1], o.Kind);
            }
        Assert.Equal(ShapeKinds.All.Count, seen.Count);
    }

    [Fact]
    public void ClassesAreRoughlyBalanced()
    {
        var counts = new int[ShapeKinds.All.Count];
        int total = 0;
        foreach (var s in EasySamples.Value)
            foreach (var o in s.Objects) { counts[o.CategoryId - 1]++; total++; }
        foreach (var c in counts) Assert.InRange(c, total / counts.Length * 0.6, total / counts.Length * 1.4);
    }

    [Fact]
    public void SomeImagesAreEmpty()
    {
        int empty = EasySamples.Value.Count(s => s.Objects.Count == 0);
        // Preset: 7 % of 240 images is about 17.
        Assert.InRange(empty, 5, 34);
        Assert.InRange(HardSamples.Value.Count(s => s.Objects.Count == 0), 1, 20);
    }

    [Fact]
    public void EasyObjectsNeverOverlapAndRespectSizeAndCountLimits()
    {
        var settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy);
        int maxCount = 0;
        foreach (var s in EasySamples.Value)
        {
            maxCount = Math.Max(maxCount, s.Objects.Count);
            Assert.InRange(s.Objects.Count, 0, settings.MaxObjects);
            for (int a = 0; a < s.Objects.Count; a++)
            {
                var o = s.Objects[a];
                Assert.Equal(o.FullArea, o.Area);
                Assert.InRange(Math.Min(o.Box.Width, o.Box.Height), settings.MinObjectSize, int.MaxValue);
                Assert.InRange(Math.Max(o.Box.Width, o.Box.Height), 1, settings.ImageSize / 2);
                for (int b = a + 1; b < s.Objects.Count; b++)
                {
                    Assert.False(o.Box.Intersects(s.Objects[b].Box), $"image {s.Index}: boxes {o.Box} and {s.Objects[b].Box} overlap");
                    // Not even the anti-aliased fringes touch.
                    var m = s.Objects[b].VisibleMask;
                    for (int y = m.Y; y < m.Y + m.Height; y++)
                        for (int x = m.X; x < m.X + m.Width; x++)
                            if (m[x, y] > 0 && o.VisibleMask[x, y] > 0) Assert.Fail($"image {s.Index}: objects {a} and {b} both cover pixel {x},{y}");
                }
            }
        }
        Assert.Equal(settings.MaxObjects, maxCount);
    }

    [Fact]
    public void HardImagesAreCrowdedAndOccludedWithinLimits()
    {
        var settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Hard);
        int maxCount = 0, occluded = 0, heavily = 0, small = 0, large = 0;
        foreach (var s in HardSamples.Value)
        {
            maxCount = Math.Max(maxCount, s.Objects.Count);
            foreach (var o in s.Objects)
            {
                Assert.True(o.Area >= settings.MinVisibleFraction * o.FullArea, $"image {s.Index}: only {o.VisibleFraction:P0} of an object is visible");
                Assert.True(Math.Min(o.Box.Width, o.Box.Height) >= settings.MinVisibleSize);
                if (o.Area < o.FullArea) occluded++;
                if (o.VisibleFraction < 0.75) heavily++;
                if (Math.Min(o.Box.Width, o.Box.Height) < 12) small++;
                if (Math.Max(o.Box.Width, o.Box.Height) > settings.ImageSize / 2) large++;
            }
        }
        Assert.InRange(maxCount, 13, 15);
        Assert.True(occluded >= 20, $"{occluded} occluded objects");
        Assert.True(heavily >= 3, $"{heavily} objects less than 75 % visible");
        Assert.True(small > 0, "no object under 12 px");
        Assert.True(large > 0, "no object over half the image");
    }

    [Fact]
    public void StretchableClassesSpanOneToThreeAndRoundOnesStaySquare()
    {
        var minAspect = new Dictionary<ShapeKind, double>();
        var maxAspect = new Dictionary<ShapeKind, double>();
        foreach (var s in EasySamples.Value)
        {
            foreach (var o in s.Objects)
            {
                double aspect = (double)o.Box.Width / o.Box.Height;
                Assert.InRange(aspect, 1 / 3.0, 3.0);
                minAspect[o.Kind] = Math.Min(minAspect.GetValueOrDefault(o.Kind, double.MaxValue), aspect);
                maxAspect[o.Kind] = Math.Max(maxAspect.GetValueOrDefault(o.Kind, 0), aspect);
            }
        }
        foreach (var kind in new[] { ShapeKind.Triangle, ShapeKind.Cross, ShapeKind.Ellipse, ShapeKind.Bar })
        {
            Assert.True(minAspect[kind] <= 0.42, $"{kind}: narrowest box {minAspect[kind]:F2}");
            Assert.True(maxAspect[kind] >= 2.4, $"{kind}: widest box {maxAspect[kind]:F2}");
        }
        foreach (var kind in new[] { ShapeKind.Circle, ShapeKind.Ring, ShapeKind.Square })
        {
            // A square's box is square at any rotation; one pixel of rasterisation at the 16 px minimum.
            Assert.InRange(minAspect[kind], 15 / 17.0, 1.0);
            Assert.InRange(maxAspect[kind], 1.0, 17 / 15.0);
        }
    }

    [Fact]
    public void ColoursAreNotTiedToClasses()
    {
        // The fully covered pixels of flat easy objects show the object's colour; each class must show a
        // wide range of colours, in every channel.
        var low = new Dictionary<ShapeKind, int[]>();
        var high = new Dictionary<ShapeKind, int[]>();
        foreach (var s in EasySamples.Value.Take(120))
        {
            foreach (var o in s.Objects)
            {
                var (x, y) = FirstSolidPixel(o);
                int q = 3 * (y * s.Image.Width + x);
                var lo = low.TryGetValue(o.Kind, out var l) ? l : low[o.Kind] = [255, 255, 255];
                var hi = high.TryGetValue(o.Kind, out var h) ? h : high[o.Kind] = [0, 0, 0];
                for (int c = 0; c < 3; c++)
                {
                    lo[c] = Math.Min(lo[c], s.Image.Pixels[q + c]);
                    hi[c] = Math.Max(hi[c], s.Image.Pixels[q + c]);
                }
            }
        }
        Assert.Equal(ShapeKinds.All.Count, low.Count);
        foreach (var kind in low.Keys)
            for (int c = 0; c < 3; c++)
                Assert.True(high[kind][c] - low[kind][c] >= 150, $"{kind}: channel {c} spans only {low[kind][c]}..{high[kind][c]}");
    }

    [Fact]
    public void NoiseIsZeroMeanWithTheRequestedDeviation()
    {
        // Noise is drawn last, so the same image without it differs by the noise alone (where not clipped).
        var noisy = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Hard) with { NoiseStd = 6 };
        var a = new SyntheticImageGenerator(noisy, 4).Render(3).Image.Pixels;
        var b = new SyntheticImageGenerator(noisy with { NoiseStd = 0 }, 4).Render(3).Image.Pixels;
        double sum = 0, sum2 = 0;
        int n = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (b[i] < 30 || b[i] > 225) continue;
            double d = a[i] - b[i];
            sum += d; sum2 += d * d; n++;
        }
        Assert.True(n > a.Length / 2);
        double mean = sum / n, std = Math.Sqrt(sum2 / n - mean * mean);
        Assert.InRange(mean, -0.1, 0.1);
        // Rounding to bytes adds about 1/12 to the variance.
        Assert.InRange(std, Math.Sqrt(36 + 1 / 12.0) - 0.1, Math.Sqrt(36 + 1 / 12.0) + 0.1);
    }

    private static (int X, int Y) FirstSolidPixel(SyntheticObject o)
    {
        for (int y = o.Box.Y; y < o.Box.Bottom; y++)
            for (int x = o.Box.X; x < o.Box.Right; x++)
                if (o.VisibleMask[x, y] >= 1f) return (x, y);
        throw new InvalidOperationException($"object at {o.Box} has no fully covered pixel");
    }
}
