using System.Diagnostics;
using System.Globalization;
using RetinaSharp.Data.Coco;
using RetinaSharp.Imaging;

namespace RetinaSharp.Data.Synthetic;

/// <summary>
/// Writes a synthetic data set to disk:
/// <c>train/000001.png …</c>, <c>val/000001.png …</c>, <c>train.json</c> and <c>val.json</c> (COCO
/// instances, image ids 1..N, file names relative to the split folder) and <c>synth.json</c>.
/// </summary>
public static class SyntheticDataset
{
    /// <summary>
    /// Renders and writes both splits in parallel. The files depend only on the options' seed, counts and
    /// settings, never on the thread count. <paramref name="progress"/> receives the number of images
    /// finished so far (train and val together), from worker threads.
    /// </summary>
    public static SyntheticDatasetSummary Generate(SyntheticOptions options, string outDir, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        options.Validate();
        var watch = Stopwatch.StartNew();
        var generator = new SyntheticImageGenerator(options.Settings, options.Seed);
        var categories = generator.Categories();
        Directory.CreateDirectory(outDir);

        int done = 0;
        var train = WriteSplit(generator, SyntheticSplit.Train, options.TrainImages, outDir, options.MaxDegreeOfParallelism, categories, progress, ref done, cancellationToken);
        var val = WriteSplit(generator, SyntheticSplit.Val, options.ValImages, outDir, options.MaxDegreeOfParallelism, categories, progress, ref done, cancellationToken);

        var names = new List<string>(categories.Count);
        foreach (var c in categories) names.Add(c.Name);
        new SyntheticManifest
        {
            Seed = options.Seed,
            TrainImages = options.TrainImages,
            ValImages = options.ValImages,
            Settings = options.Settings,
            Categories = names,
            Train = train,
            Val = val,
        }.Save(Path.Combine(outDir, SyntheticManifest.FileName));
        return new SyntheticDatasetSummary(Path.GetFullPath(outDir), names, train, val, watch.Elapsed);
    }

    /// <summary>The file name of image <paramref name="index"/> (0-based) inside its split folder, e.g. "000001.png".</summary>
    public static string ImageFileName(int index) => (index + 1).ToString("D6", CultureInfo.InvariantCulture) + ".png";

    /// <summary>The folder name of a split ("train" or "val").</summary>
    public static string SplitName(SyntheticSplit split) => split == SyntheticSplit.Train ? "train" : "val";

    /// <summary>
    /// Writes beside the target and renames, so no reader sees half an image, but without forcing each
    /// file to disk: a flush per image would cost more than rendering it. Only the JSON files, written
    /// last, are flushed; after a crash, generate again.
    /// </summary>
    private static void WritePng(string path, RgbImage image)
    {
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, PngEncoder.Encode(image));
        File.Move(tmp, path, overwrite: true);
    }

    private readonly record struct Annotation(int CategoryId, PixelBox Box, int Area, bool Occluded);

    private static SyntheticSplitSummary WriteSplit(
        SyntheticImageGenerator generator, SyntheticSplit split, int count, string outDir, int threads,
        List<CocoCategory> categories, IProgress<int>? progress, ref int done, CancellationToken cancellationToken)
    {
        string name = SplitName(split);
        string imageDir = Path.Combine(outDir, name);
        Directory.CreateDirectory(imageDir);

        // Only the small annotation records are kept; images and masks are dropped as soon as they are written.
        var perImage = new Annotation[count][];
        int finished = done;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        Parallel.For(0, count, parallel, i =>
        {
            var sample = generator.Render(i, split);
            WritePng(Path.Combine(imageDir, ImageFileName(i)), sample.Image);
            var annotations = new Annotation[sample.Objects.Count];
            for (int k = 0; k < annotations.Length; k++)
            {
                var o = sample.Objects[k];
                annotations[k] = new Annotation(o.CategoryId, o.Box, o.Area, o.Area < o.FullArea);
            }
            perImage[i] = annotations;
            int n = Interlocked.Increment(ref finished);
            progress?.Report(n);
        });
        done = finished;

        int size = generator.Settings.ImageSize;
        var coco = new CocoFile { Categories = categories };
        var perCategory = new int[categories.Count];
        int empty = 0, objects = 0, small = 0, medium = 0, large = 0, occluded = 0;
        for (int i = 0; i < count; i++)
        {
            coco.Images.Add(new CocoImage { Id = i + 1, FileName = ImageFileName(i), Width = size, Height = size });
            if (perImage[i].Length == 0) empty++;
            foreach (var a in perImage[i])
            {
                objects++;
                coco.Annotations.Add(new CocoAnnotation
                {
                    Id = objects,
                    ImageId = i + 1,
                    CategoryId = a.CategoryId,
                    Bbox = a.Box.ToCocoBbox(),
                    Area = a.Area,
                    IsCrowd = 0,
                });
                perCategory[a.CategoryId - 1]++;
                if (a.Area < 32 * 32) small++;
                else if (a.Area <= 96 * 96) medium++;
                else large++;
                if (a.Occluded) occluded++;
            }
        }
        coco.Save(Path.Combine(outDir, name + ".json"));
        return new SyntheticSplitSummary(count, empty, objects, perCategory, small, medium, large, occluded);
    }
}
