using RetinaSharp.Data.Coco;
using RetinaSharp.Imaging;
using RetinaSharp.Tensors;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// Renders synthetic detection images in memory. Image (split, index) depends only on the seed, the
/// settings, the split and the index (each image has its own random stream), so images can be made in
/// any order, on any number of threads, and always come out the same.
/// </summary>
public sealed class SyntheticImageGenerator
{
    /// <summary>Placement attempts per requested object before it is left out (crowded images get fewer objects).</summary>
    private const int AttemptsPerObject = 30;

    public SyntheticImageGenerator(SyntheticSettings settings, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        Seed = seed;
    }

    public SyntheticSettings Settings { get; }
    public ulong Seed { get; }

    /// <summary>COCO categories: ids 1..K with the shape names, in the settings' order.</summary>
    public List<CocoCategory> Categories()
    {
        var list = new List<CocoCategory>(Settings.Shapes.Count);
        for (int i = 0; i < Settings.Shapes.Count; i++)
            list.Add(new CocoCategory { Id = i + 1, Name = Settings.Shapes[i].CategoryName(), Supercategory = "shape" });
        return list;
    }

    /// <summary>Renders image <paramref name="index"/> (0-based) of a split with its annotations.</summary>
    public SyntheticSample Render(int index, SyntheticSplit split = SyntheticSplit.Train) => Compose(index, split, keepBackground: false).Sample;

    internal SyntheticScene Compose(int index, SyntheticSplit split, bool keepBackground)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var settings = Settings;
        int size = settings.ImageSize;
        var rng = RandomGenerator.ForStream(Seed, (ulong)split, (ulong)index);
        using var canvas = new Canvas(size, size);

        BackgroundPainter.Paint(canvas, rng, settings);
        int clutter = settings.MaxClutter > 0 ? rng.NextInt(settings.MaxClutter + 1) : 0;
        for (int i = 0; i < clutter; i++) DrawClutter(canvas, rng, settings);

        RgbImage? background = null;
        if (keepBackground)
        {
            background = new RgbImage(size, size);
            canvas.WriteTo(background, null, 0);
        }

        var layout = new ObjectLayout(settings);
        var shapes = new List<ShapeGeometry>();
        var categories = new List<int>();
        int requested = settings.MaxObjects == 0 || rng.NextBool(settings.EmptyImageFraction) ? 0 : rng.NextInt(1, settings.MaxObjects + 1);
        for (int n = 0; n < requested; n++)
        {
            // The class is drawn once per object, not per attempt, so kinds that fit less easily are not under-represented.
            int category = rng.NextInt(settings.Shapes.Count);
            for (int attempt = 0; attempt < AttemptsPerObject; attempt++)
            {
                var shape = ShapeGeometry.Sample(rng, settings.Shapes[category], settings);
                if (shape is null || !layout.MayPlace(CoverageRasterizer.Bounds(shape, size, size))) continue;
                var mask = CoverageRasterizer.Rasterize(shape, size, size);
                var (box, count) = mask.Measure();
                if (!FitsSizeLimits(box, settings) || !layout.TryPlace(mask, count)) continue;
                var paint = Paint.SampleForObject(rng, settings, canvas.MeanUnder(mask), box);
                canvas.Composite(mask, paint);
                shapes.Add(shape);
                categories.Add(category);
                break;
            }
        }

        var image = new RgbImage(size, size);
        canvas.WriteTo(image, rng, settings.NoiseStd);

        var objects = new SyntheticObject[layout.Count];
        var fullMasks = new CoverageMask[layout.Count];
        for (int i = 0; i < objects.Length; i++)
        {
            var visible = layout.VisibleMask(i);
            var (box, area) = visible.Measure();
            objects[i] = new SyntheticObject(settings.Shapes[categories[i]], categories[i] + 1, box, area, layout.FullCount(i), visible);
            fullMasks[i] = layout.FullMask(i);
        }
        return new SyntheticScene(new SyntheticSample(split, index, image, objects), background, shapes, fullMasks);
    }

    /// <summary>
    /// One image per object of the scene: the objects alone on black, that object in white and the others
    /// in black over it, blended exactly like the real image, so a pixel's value / 255 is that object's
    /// visible coverage.
    /// </summary>
    internal List<RgbImage> RenderSilhouettes(int index, SyntheticSplit split)
    {
        var scene = Compose(index, split, keepBackground: false);
        int size = Settings.ImageSize;
        var images = new List<RgbImage>(scene.FullMasks.Count);
        using var canvas = new Canvas(size, size);
        for (int target = 0; target < scene.FullMasks.Count; target++)
        {
            canvas.Fill(Rgb.Black);
            for (int i = 0; i < scene.FullMasks.Count; i++)
                canvas.Composite(scene.FullMasks[i], Paint.Flat(i == target ? Rgb.White : Rgb.Black));
            var image = new RgbImage(size, size);
            canvas.WriteTo(image, null, 0);
            images.Add(image);
        }
        return images;
    }

    private static bool FitsSizeLimits(PixelBox box, SyntheticSettings settings)
    {
        int shortSide = Math.Min(box.Width, box.Height), longSide = Math.Max(box.Width, box.Height);
        return shortSide >= settings.MinObjectSize
            && longSide <= settings.MaxObjectSize
            && longSide <= settings.MaxAspectRatio * shortSide;
    }

    private static void DrawClutter(Canvas canvas, RandomGenerator rng, SyntheticSettings settings)
    {
        var shape = ClutterShape.Sample(rng, settings.ImageSize);
        var mask = CoverageRasterizer.Rasterize(shape, canvas.Width, canvas.Height);
        // Distractors must be visible to be worth anything, but need not stand out as much as objects.
        Span<Rgb> under = [canvas.MeanUnder(mask)];
        var color = Rgb.Contrasting(rng, Math.Min(60, settings.MinContrast), under);
        float opacity = shape.Kind == ClutterShape.Form.Blob ? (float)rng.Uniform(0.6, 1.0) : 1f;
        canvas.Composite(mask, Paint.Flat(color), opacity);
    }
}
