using RetinaSharp.Checkpoints;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Tensors;
using RetinaSharp.Testing;

namespace RetinaSharp.Serving.Tests;

/// <summary>
/// An untrained eighth-width ResNet-18 RetinaNet saved as a checkpoint once for all the tests, and
/// a few noise images of different sizes (so that batches mix padded sizes).
/// </summary>
public sealed class TinyModel : IDisposable
{
    private readonly TempDir _temp = new();

    public TinyModel()
    {
        var config = new RetinaNetConfig
        {
            Backbone = "resnet18", BackboneWidth = 1.0 / 8, BackboneNorm = NormKind.FrozenBatchNorm, NumClasses = 3,
            FpnChannels = 16, HeadDepth = 1, AnchorSizes = [8, 16, 32, 64, 128], MinSize = 64, MaxSize = 96,
        };
        WeightsPath = _temp["model.safetensors"];
        using (var model = new RetinaNet(config, seed: 2))
        {
            // Raise the class prior so that an untrained model still reports boxes above 0.05.
            var bias = model.Head.ClassificationHead.NamedParameters().First(p => p.Name == "cls_logits.bias").Parameter;
            bias.Fill(1f);
            Checkpoint.Save(WeightsPath, model, null, new CheckpointMetadata { ClassNames = ["circle", "square", "star"], CategoryIds = [1, 2, 7] });
        }
        (int Width, int Height)[] sizes = [(80, 60), (64, 64), (100, 50), (50, 90), (72, 72), (96, 64)];
        Images = [.. sizes.Select((s, i) => Noise(s.Width, s.Height, seed: 10 + i))];
        Pngs = [.. Images.Select(PngEncoder.Encode)];
        TempPath = _temp.Path;
    }

    public string WeightsPath { get; }

    /// <summary>A folder that lives as long as the fixture.</summary>
    public string TempPath { get; }

    public IReadOnlyList<RgbImage> Images { get; }

    public IReadOnlyList<byte[]> Pngs { get; }

    public static RgbImage Noise(int width, int height, int seed)
    {
        var image = new RgbImage(width, height);
        var rng = new RandomGenerator((ulong)seed);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)rng.NextInt(256);
        return image;
    }

    public void Dispose() => _temp.Dispose();
}
