using RetinaSharp.Testing;
using System.Security.Cryptography;
using RetinaSharp.Data;
using RetinaSharp.Data.Loading;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Imaging;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Tests.Data;

public sealed class DataLoaderTests
{
    private static readonly TransformOptions SmallTransform = new() { MinSizes = [24, 32, 40], MaxSize = 64 };

    /// <summary>13 images, 5 portrait (w &lt; h) and 8 landscape or square, each with a box.</summary>
    private static InMemoryDetectionDataset Dataset(int count = 13)
    {
        var samples = new List<(SampleInfo, ImageAnnotations, RgbImage)>();
        for (int i = 0; i < count; i++)
        {
            bool portrait = i % 3 == 1 || i == count - 1;
            int w = portrait ? 20 + i : 30 + 2 * i, h = portrait ? 31 + i : (i == 5 ? 30 + 2 * i : 18 + i);
            var target = new ImageAnnotations([new Box(1, 2, w / 2f, h - 1f)], [i % 2], [], []);
            samples.Add((new SampleInfo(100 + i, $"s{i}", $"s{i}.png", new ImageSize(h, w)), target, TestImages.Pattern(w, h, i)));
        }
        return new InMemoryDetectionDataset(ClassList.FromNames(["a", "b"]), samples);
    }

    private static DataLoaderOptions Options(int workers, ulong seed = 7) => new()
    {
        BatchSize = 3, Workers = workers, Prefetch = 2, Seed = seed, Transform = SmallTransform,
    };

    /// <summary>Everything a batch carries, as a comparable string (tensor by hash).</summary>
    private static string Describe(DetectionBatch b)
    {
        var hash = Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.Images)));
        var items = string.Join(";", b.Items.Select(i =>
            $"{i.SampleIndex}/{i.ImageId}/{i.OriginalSize}/{i.ResizedSize}/{i.Flipped}/{string.Join(",", i.Boxes)}/{string.Join(",", i.Labels)}"));
        return $"{b.Position}|{b.Next}|{string.Join("x", b.Shape)}|{hash}|{items}";
    }

    private static List<string> ReadAll(DetectionDataLoader loader, int epochs)
    {
        var result = new List<string>();
        for (int e = 0; e < epochs; e++)
            foreach (var b in loader.ReadEpoch(e))
                using (b) result.Add(Describe(b));
        return result;
    }

    [Fact]
    public void SameSeedGivesIdenticalBatchesWhateverTheWorkerCount()
    {
        var ds = Dataset();
        List<string> reference;
        using (var loader = new DetectionDataLoader(ds, Options(workers: 0))) reference = ReadAll(loader, 2);
        Assert.Equal(2 * (2 + 3), reference.Count); // ceil(5/3) + ceil(8/3) batches per epoch
        foreach (int workers in new[] { 1, 3 })
        {
            using var loader = new DetectionDataLoader(ds, Options(workers));
            Assert.Equal(reference, ReadAll(loader, 2));
        }
        using (var again = new DetectionDataLoader(ds, Options(workers: 2)))
            Assert.Equal(reference, ReadAll(again, 2));

        // Epochs differ from each other, and another seed gives another order.
        Assert.NotEqual(reference[0], reference[5]);
        using var other = new DetectionDataLoader(ds, Options(workers: 2, seed: 8));
        Assert.NotEqual(reference, ReadAll(other, 2));
    }

    [Fact]
    public void ResumingMidEpochContinuesExactly()
    {
        var ds = Dataset();
        var expected = new List<string>();
        LoaderPosition resumeAt = default;
        using (var loader = new DetectionDataLoader(ds, Options(workers: 2)))
        {
            int n = 0;
            foreach (var b in loader.Read(new LoaderPosition(0, 0)))
            {
                using (b)
                {
                    if (n == 3) resumeAt = b.Next;
                    if (n > 3) expected.Add(Describe(b));
                }
                if (++n == 12) break;
            }
        }
        Assert.Equal(new LoaderPosition(0, 4), resumeAt);
        using var resumed = new DetectionDataLoader(ds, Options(workers: 1));
        var got = new List<string>();
        foreach (var b in resumed.Read(resumeAt))
        {
            using (b) got.Add(Describe(b));
            if (got.Count == expected.Count) break;
        }
        Assert.Equal(expected, got);
        Assert.Contains("epoch 2, batch 1", got[^1]); // 12 batches read, 5 per epoch: the last is epoch 2, batch 1
    }

    [Fact]
    public void BatchesNeverMixOrientationsAndCoverEachImageOncePerEpoch()
    {
        var ds = Dataset();
        using var loader = new DetectionDataLoader(ds, Options(workers: 0));
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var plan = loader.PlanEpoch(epoch);
            Assert.Equal(loader.BatchesPerEpoch, plan.Count);
            var seen = new List<int>();
            foreach (var batch in plan)
            {
                var portrait = batch.Select(i => ds.GetInfo(i).Size).Select(s => s.Width < s.Height).Distinct().ToList();
                Assert.Single(portrait);
                Assert.InRange(batch.Length, 1, 3);
                seen.AddRange(batch);
            }
            Assert.Equal(Enumerable.Range(0, ds.Count), seen.Order());
        }
        // The square image (index 5) goes with the landscape ones, as in torchvision (w/h ≥ 1).
        Assert.Equal(40, ds.GetInfo(5).Size.Width);
        Assert.Equal(40, ds.GetInfo(5).Size.Height);
        Assert.Contains(loader.PlanEpoch(0), b => b.Contains(5) && b.All(i => ds.GetInfo(i).Size.Width >= ds.GetInfo(i).Size.Height));

        var drop = new DetectionDataLoader(ds, Options(0) with { DropIncomplete = true });
        Assert.Equal(1 + 2, drop.BatchesPerEpoch);
        Assert.All(drop.PlanEpoch(0), b => Assert.Equal(3, b.Length));
    }

    [Fact]
    public void AugmentationDrawsSizesAndFlipsPerSample()
    {
        var ds = Dataset(30);
        using var loader = new DetectionDataLoader(ds, Options(workers: 0) with { GroupByAspectRatio = false });
        var shortSides = new HashSet<int>();
        int flipped = 0, total = 0;
        foreach (var b in loader.ReadEpoch(0))
            using (b)
                foreach (var item in b.Items)
                {
                    total++;
                    if (item.Flipped) flipped++;
                    var candidates = SmallTransform.MinSizes.Select(s => DetectionTransform.ResizedSize(item.OriginalSize, s, 64)).ToList();
                    Assert.Contains(item.ResizedSize, candidates);
                    shortSides.Add(Math.Min(item.ResizedSize.Height, item.ResizedSize.Width));
                    var box = ds.GetAnnotations(item.SampleIndex).Boxes[0];
                    if (item.Flipped) box = DetectionTransform.FlipBoxes([box], item.OriginalSize.Width)[0];
                    Assert.Equal(DetectionTransform.ScaleBoxes([box], item.OriginalSize, item.ResizedSize)[0], item.Boxes[0]);
                }
        Assert.Equal(30, total);
        Assert.True(shortSides.Count >= 3, $"short sides seen: {string.Join(", ", shortSides)}");
        Assert.InRange(flipped, 5, 25);
    }

    [Fact]
    public void EvaluationKeepsOrderAndSizeWithoutFlips()
    {
        var ds = Dataset();
        using var loader = new DetectionDataLoader(ds, DataLoaderOptions.Evaluation(batchSize: 4, SmallTransform) with { Workers = 1 });
        var items = new List<BatchItem>();
        foreach (var b in loader.ReadEpoch(0))
            using (b) items.AddRange(b.Items);
        Assert.Equal(Enumerable.Range(0, 13), items.Select(i => i.SampleIndex));
        Assert.All(items, i => Assert.False(i.Flipped));
        Assert.All(items, i => Assert.Equal(DetectionTransform.ResizedSize(i.OriginalSize, 40, 64), i.ResizedSize));
    }

    [Fact]
    public void PaddingIsZeroAndTheShapeIsAMultipleOf32EvenWithReusedBuffers()
    {
        var ds = Dataset();
        using var loader = new DetectionDataLoader(ds, Options(workers: 2));
        for (int epoch = 0; epoch < 3; epoch++)
            foreach (var b in loader.ReadEpoch(epoch))
                using (b)
                {
                    Assert.Equal(0, b.Height % 32);
                    Assert.Equal(0, b.Width % 32);
                    Assert.Equal(b.Height, (b.Items.Max(i => i.ResizedSize.Height) + 31) / 32 * 32);
                    Assert.Equal(b.Width, (b.Items.Max(i => i.ResizedSize.Width) + 31) / 32 * 32);
                    var images = b.Images;
                    for (int n = 0; n < b.Count; n++)
                    {
                        var size = b.Items[n].ResizedSize;
                        for (int c = 0; c < 3; c++)
                            for (int y = 0; y < b.Height; y++)
                                for (int x = 0; x < b.Width; x++)
                                {
                                    float v = images[((n * 3 + c) * b.Height + y) * b.Width + x];
                                    if (y >= size.Height || x >= size.Width) Assert.Equal(0f, v);
                                }
                    }
                }
    }

    [Fact]
    public void PrefetchIsBoundedAndDisposalStopsTheWorkers()
    {
        var ds = new CountingDataset(Dataset());
        var loader = new DetectionDataLoader(ds, Options(workers: 3) with { Prefetch = 2 });
        using (var e = loader.Read(new LoaderPosition(0, 0)).GetEnumerator())
        {
            Assert.True(e.MoveNext());
            e.Current.Dispose();
            Thread.Sleep(300);
            // One batch taken, at most two more built ahead: 3 batches of at most 3 images.
            Assert.InRange(ds.Loads, 3, 9);
        }
        int afterDispose = ds.Loads;
        Thread.Sleep(200);
        Assert.Equal(afterDispose, ds.Loads);

        var e2 = loader.Read(new LoaderPosition(0, 0)).GetEnumerator();
        Assert.True(e2.MoveNext());
        loader.Dispose();
        int stopped = ds.Loads;
        Thread.Sleep(200);
        Assert.Equal(stopped, ds.Loads);
        Assert.ThrowsAny<ObjectDisposedException>(() => e2.MoveNext());
    }

    [Fact]
    public void UnreadableImagesAreSkippedOrFailAccordingToPolicy()
    {
        using var dir = new TempDir();
        var reader = new MemoryImageReader();
        var lines = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            var path = dir[$"i{i}.png"];
            if (i == 2) reader.AddCorrupt(path);
            else reader.Add(path, TestImages.Pattern(20, 10, i));
            lines.Add($"i{i}.png,1,1,5,5,a");
        }
        // The corrupt file has no readable header, so open it with header checks off: the decode fails later, in the loader.
        var csv = dir.Write("ann.csv", string.Join("\n", lines));
        dir.Write("classes.csv", "a,0\n");
        var skip = RetinaSharp.Data.Csv.CsvDetectionDataset.Open(csv, dir["classes.csv"], new DatasetOptions { ImageReader = reader, CheckImageFiles = false });
        Assert.Equal(4, skip.Count);
        using (var loader = new DetectionDataLoader(skip, DataLoaderOptions.Evaluation(2, SmallTransform) with { Workers = 2 }))
        {
            var batches = loader.ReadEpoch(0).ToList();
            Assert.Equal([0, 1, 3], batches.SelectMany(b => b.Items).Select(i => i.SampleIndex));
            batches.ForEach(b => b.Dispose());
        }
        var problem = Assert.Single(skip.Report.Problems);
        Assert.Equal(ProblemKind.UnreadableImage, problem.Kind);
        Assert.Equal(dir["i2.png"], problem.File);
        Assert.Equal("sample 2 (image 2)", problem.Item);
        Assert.Equal(1, skip.Report.SkippedSamples);

        var fail = RetinaSharp.Data.Csv.CsvDetectionDataset.Open(csv, dir["classes.csv"], new DatasetOptions { ImageReader = reader, CheckImageFiles = false, Policy = BadSamplePolicy.Fail });
        using var failing = new DetectionDataLoader(fail, DataLoaderOptions.Evaluation(2, SmallTransform) with { Workers = 2 });
        var e = Assert.Throws<BadSampleException>(() => failing.ReadEpoch(0).Select(b => { b.Dispose(); return 0; }).ToList());
        Assert.Contains("i2.png", e.Message);
        Assert.Contains("sample 2", e.Message);
    }

    /// <summary>Counts image loads, to watch the workers.</summary>
    private sealed class CountingDataset(IDetectionDataset inner) : IDetectionDataset
    {
        private int _loads;
        public int Loads => Volatile.Read(ref _loads);
        public string Source => inner.Source;
        public int Count => inner.Count;
        public ClassList Classes => inner.Classes;
        public BadSamplePolicy Policy => inner.Policy;
        public DatasetReport Report => inner.Report;
        public SampleInfo GetInfo(int index) => inner.GetInfo(index);
        public ImageAnnotations GetAnnotations(int index) => inner.GetAnnotations(index);

        public RgbImage LoadImage(int index)
        {
            Interlocked.Increment(ref _loads);
            return inner.LoadImage(index);
        }
    }
}
