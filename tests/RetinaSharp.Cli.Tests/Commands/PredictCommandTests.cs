using System.CommandLine;
using RetinaSharp.Checkpoints;
using RetinaSharp.Cli.Commands;
using RetinaSharp.Data.Coco;
using RetinaSharp.Imaging;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Tensors;
using RetinaSharp.Training;
using Xunit;
using RetinaSharp.Testing;

namespace RetinaSharp.Cli.Tests.Commands;

public sealed class PredictCommandTests : IDisposable
{
    private readonly TempDir _temp = new();

    private string _dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private static int Invoke(params string[] args)
    {
        var root = new RootCommand { PredictCommand.Create() };
        return root.Parse(args).Invoke();
    }

    [Fact]
    public void Writes_coco_results_with_image_ids_from_file_names_and_draws_boxes()
    {
        var config = new RetinaNetConfig
        {
            Backbone = "resnet18", BackboneWidth = 1.0 / 8, BackboneNorm = NormKind.FrozenBatchNorm, NumClasses = 3,
            FpnChannels = 16, HeadDepth = 1, AnchorSizes = [8, 16, 32, 64, 128], MinSize = 64, MaxSize = 96,
        };
        var weights = Path.Combine(_dir, "model.safetensors");
        using (var model = new RetinaNet(config, seed: 2))
        {
            // Raise the class prior so that an untrained model still reports boxes above 0.05.
            var bias = model.Head.ClassificationHead.NamedParameters().First(p => p.Name == "cls_logits.bias").Parameter;
            bias.Fill(1f);
            Checkpoint.Save(weights, model, null, new CheckpointMetadata { ClassNames = ["circle", "square", "star"], CategoryIds = [1, 2, 7] });
        }
        var images = Path.Combine(_dir, "images");
        Directory.CreateDirectory(images);
        var img = new RgbImage(80, 60);
        var rng = new RandomGenerator(9);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)rng.NextInt(256);
        ImageFile.SavePng(Path.Combine(images, "42.png"), img);
        var output = Path.Combine(_dir, "results.json");
        var draw = Path.Combine(_dir, "drawn");

        Assert.Equal(0, Invoke("predict", "--weights", weights, "--input", images, "--output", output, "--draw", draw, "--max-detections", "20"));

        var results = CocoResult.LoadList(output);
        Assert.InRange(results.Count, 1, 20);
        Assert.All(results, r =>
        {
            Assert.Equal(42, r.ImageId);
            Assert.Equal("42.png", r.FileName);
            // Labels 0..2 are reported as the data set's category ids 1, 2 and 7.
            Assert.Contains(r.CategoryId, new long[] { 1, 2, 7 });
            Assert.Equal(4, r.Bbox.Length);
            Assert.True(r.Bbox[0] >= 0 && r.Bbox[1] >= 0 && r.Bbox[0] + r.Bbox[2] <= 80.001 && r.Bbox[1] + r.Bbox[3] <= 60.001, "box inside the original image");
            Assert.InRange(r.Score, 0.05, 1.0);
        });
        for (int i = 1; i < results.Count; i++) Assert.True(results[i - 1].Score >= results[i].Score);
        var drawn = ImageFile.Load(Path.Combine(draw, "42.png"));
        Assert.Equal((80, 60), (drawn.Width, drawn.Height));
    }

    [Fact]
    public void A_file_that_is_not_weights_is_named_as_such()
    {
        var json = Path.Combine(_dir, "config.json");
        File.WriteAllText(json, "{\"model\": {\"num_classes\": 3}}");
        var e = Assert.Throws<RetinaSharp.Tensors.Serialization.CheckpointFormatException>(() => RetinaNetDetector.Load(json));
        Assert.Equal($"{json}: not a weights file: neither a PyTorch .pth (zip or pickle) nor safetensors.", e.Message);
    }

    [Fact]
    public void Missing_weights_or_input_give_a_clear_error()
    {
        Assert.Equal(1, Invoke("predict", "--weights", Path.Combine(_dir, "none.safetensors"), "--input", _dir, "--output", Path.Combine(_dir, "r.json")));
        Assert.Equal(1, Invoke("predict", "--weights", Path.Combine(_dir, "none.safetensors"), "--input", Path.Combine(_dir, "missing.png")));
    }
}
