using RetinaSharp.Testing;
using RetinaSharp.Data.Coco;
using RetinaSharp.Data.Synthetic;
using Xunit;

namespace RetinaSharp.Tests.Data.Synthetic;

/// <summary>The files <see cref="SyntheticDataset.Generate"/> writes.</summary>
public sealed class SyntheticDatasetTests
{
    private static SyntheticOptions Options(ulong seed, int threads, SyntheticDifficulty difficulty = SyntheticDifficulty.Hard) => new()
    {
        Settings = SyntheticSettings.ForDifficulty(difficulty, 128),
        Seed = seed,
        TrainImages = 16,
        ValImages = 5,
        MaxDegreeOfParallelism = threads,
    };

    [Fact]
    public void SameSeedGivesIdenticalFilesOnOneThreadOrMany()
    {
        using var dir = new TempDir();
        SyntheticDataset.Generate(Options(42, 1), dir["a"]);
        SyntheticDataset.Generate(Options(42, 4), dir["b"]);
        var a = Files(dir["a"]);
        var b = Files(dir["b"]);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.Equal(16 + 5 + 3, a.Count);
        foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{name} differs between runs");
    }

    [Fact]
    public void DifferentSeedsGiveDifferentImagesAndAnnotations()
    {
        using var dir = new TempDir();
        SyntheticDataset.Generate(Options(1, 2), dir["a"]);
        SyntheticDataset.Generate(Options(2, 2), dir["b"]);
        var a = Files(dir["a"]);
        var b = Files(dir["b"]);
        foreach (var name in a.Keys)
        {
            if (name == SyntheticManifest.FileName) continue;
            Assert.False(a[name].AsSpan().SequenceEqual(b[name]), $"{name} is the same for seeds 1 and 2");
        }
        // The splits use separate streams: train image 1 is not val image 1.
        Assert.False(a[Path.Combine("train", "000001.png")].AsSpan().SequenceEqual(a[Path.Combine("val", "000001.png")]));
    }

    [Fact]
    public void CocoFilesAreValidAndMatchTheRenderedImages()
    {
        using var dir = new TempDir();
        var options = Options(7, -1);
        var summary = SyntheticDataset.Generate(options, dir.Path);
        var generator = new SyntheticImageGenerator(options.Settings, options.Seed);
        int size = options.Settings.ImageSize;
        foreach (var (split, count, splitSummary) in new[] { (SyntheticSplit.Train, 16, summary.Train), (SyntheticSplit.Val, 5, summary.Val) })
        {
            string name = SyntheticDataset.SplitName(split);
            var coco = CocoFile.Load(Path.Combine(dir.Path, name + ".json"));
            Assert.Equal(["circle", "square", "triangle", "ring", "cross", "ellipse", "bar", "star"], coco.Categories.Select(c => c.Name));
            Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), coco.Categories.Select(c => c.Id));
            Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), coco.Images.Select(i => i.Id));
            Assert.Equal(coco.Annotations.Count, coco.Annotations.Select(a => a.Id).Distinct().Count());
            Assert.Equal(splitSummary.Objects, coco.Annotations.Count);
            Assert.Equal(splitSummary.EmptyImages, coco.Images.Count(i => coco.Annotations.All(a => a.ImageId != i.Id)));

            foreach (var image in coco.Images)
            {
                Assert.Equal((size, size), (image.Width, image.Height));
                Assert.Equal($"{image.Id:D6}.png", image.FileName);
                var (w, h, pixels) = PngPixels.Read(File.ReadAllBytes(Path.Combine(dir.Path, name, image.FileName)));
                var sample = generator.Render((int)image.Id - 1, split);
                Assert.Equal((size, size), (w, h));
                Assert.True(pixels.AsSpan().SequenceEqual(sample.Image.Pixels), $"{name}/{image.FileName} differs from the in-memory render");

                var annotations = coco.Annotations.Where(a => a.ImageId == image.Id).ToList();
                Assert.Equal(sample.Objects.Count, annotations.Count);
                for (int k = 0; k < annotations.Count; k++)
                {
                    var a = annotations[k];
                    var o = sample.Objects[k];
                    Assert.Equal(o.CategoryId, a.CategoryId);
                    Assert.Equal(o.Box.ToCocoBbox(), a.Bbox);
                    Assert.Equal(o.Area, a.Area);
                    Assert.Equal(0, a.IsCrowd);
                    Assert.InRange(a.CategoryId, 1, 8);
                    Assert.Equal(4, a.Bbox.Length);
                    Assert.True(a.Bbox[0] >= 0 && a.Bbox[1] >= 0 && a.Bbox[2] > 0 && a.Bbox[3] > 0);
                    Assert.True(a.Bbox[0] + a.Bbox[2] <= size && a.Bbox[1] + a.Bbox[3] <= size);
                    Assert.InRange(a.Area!.Value, 1, a.Bbox[2] * a.Bbox[3]);
                }
            }
        }
    }

    [Fact]
    public void ManifestRecordsEverythingNeededToRegenerate()
    {
        using var dir = new TempDir();
        var options = Options(99, -1, SyntheticDifficulty.Standard) with
        {
            Settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Standard, 128) with { Shapes = [ShapeKind.Star, ShapeKind.Ring], MaxObjects = 4 },
        };
        SyntheticDataset.Generate(options, dir["a"]);
        var manifest = SyntheticManifest.Load(Path.Combine(dir["a"], SyntheticManifest.FileName));
        Assert.Equal(99UL, manifest.Seed);
        Assert.Equal(SyntheticDifficulty.Standard, manifest.Settings.Preset);
        Assert.Equal(["star", "ring"], manifest.Categories);
        var json = File.ReadAllText(Path.Combine(dir["a"], SyntheticManifest.FileName));
        Assert.Contains("\"preset\": \"standard\"", json);

        SyntheticDataset.Generate(manifest.ToOptions(), dir["b"]);
        var a = Files(dir["a"]);
        var b = Files(dir["b"]);
        foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{name} differs after regenerating from synth.json");
        var coco = CocoFile.Load(Path.Combine(dir["a"], "train.json"));
        Assert.Equal([(1L, "star"), (2L, "ring")], coco.Categories.Select(c => (c.Id, c.Name)));
        Assert.All(coco.Annotations, an => Assert.InRange(an.CategoryId, 1, 2));
    }

    [Fact]
    public void InvalidOptionsAreRefusedWithTheirName()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(new SyntheticOptions { TrainImages = -1 }, dir.Path));
        Assert.Contains("TrainImages", e.Message);
        e = Assert.Throws<ArgumentException>(() => SyntheticDataset.Generate(
            new SyntheticOptions { Settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy, 32) }, dir.Path));
        Assert.Contains("MinObjectSize", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SyntheticImageGenerator(
            SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy) with { Shapes = [ShapeKind.Bar, ShapeKind.Bar] }, 0));
        Assert.Contains("twice", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    private static Dictionary<string, byte[]> Files(string root)
    {
        var files = new Dictionary<string, byte[]>();
        foreach (var path in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
            files[Path.GetRelativePath(root, path)] = File.ReadAllBytes(path);
        return files;
    }
}
