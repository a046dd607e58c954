using RetinaSharp.Data;
using RetinaSharp.Data.Loading;
using RetinaSharp.Data.Synthetic;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Distributed.Tests;

/// <summary>The loader's rank slices against the batches one loader reads of the same data.</summary>
public sealed class RankSliceLoaderTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Slices_of_three_ranks_put_together_are_the_one_process_batches()
    {
        SyntheticDataset.Generate(new SyntheticOptions { Seed = 2, TrainImages = 9, ValImages = 1, Settings = SyntheticSettings.ForDifficulty(SyntheticDifficulty.Easy, 64) }, _temp["data"]);
        var data = DatasetFactory.Open(new DatasetSpec(_temp["data/train.json"]) { Images = _temp["data/train"] });
        // Two training sizes make the batch's padded size larger than some of its images.
        var options = new DataLoaderOptions { BatchSize = 4, Seed = 5, Workers = 0, Transform = TransformOptions.Default with { MinSizes = [32, 64], MaxSize = 64 } };
        using var whole = new DetectionDataLoader(data, options);
        var ranks = new DetectionDataLoader[3];
        for (int r = 0; r < ranks.Length; r++) ranks[r] = new DetectionDataLoader(data, options with { Rank = r, WorldSize = 3 });
        try
        {
            var streams = ranks.Select(l => l.Read(new LoaderPosition(0, 0)).GetEnumerator()).ToArray();
            int batches = 0;
            // Two epochs of 3 batches each (4 + 4 + 1 images): slices of 1 or 2 images, and empty ones.
            foreach (var batch in whole.Read(new LoaderPosition(0, 0)).Take(2 * whole.BatchesPerEpoch))
            {
                using (batch)
                {
                    int at = 0;
                    foreach (var stream in streams)
                    {
                        Assert.True(stream.MoveNext());
                        using var slice = stream.Current;
                        Assert.Equal(batch.Position, slice.Position);
                        Assert.Equal(batch.Next, slice.Next);
                        Assert.Equal(batch.PaddedSize, slice.PaddedSize);
                        int plane = 3 * batch.Height * batch.Width;
                        for (int i = 0; i < slice.Count; i++, at++)
                        {
                            Assert.Equal(batch.Items[at].SampleIndex, slice.Items[i].SampleIndex);
                            Assert.Equal(batch.Items[at].Flipped, slice.Items[i].Flipped);
                            Assert.Equal(batch.Items[at].Boxes, slice.Items[i].Boxes);
                            Assert.True(batch.Images.Slice(at * plane, plane).SequenceEqual(slice.Images.Slice(i * plane, plane)),
                                $"batch {batch.Position}: image {at} differs in its slice");
                        }
                    }
                    Assert.Equal(batch.Count, at);
                    batches++;
                }
            }
            Assert.Equal(6, batches);
        }
        finally
        {
            foreach (var l in ranks) l.Dispose();
        }
    }
}
