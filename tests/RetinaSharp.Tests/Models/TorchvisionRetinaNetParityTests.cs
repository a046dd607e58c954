using RetinaSharp.Boxes;
using RetinaSharp.Data;
using RetinaSharp.Data.Transforms;
using RetinaSharp.Losses;
using RetinaSharp.Matching;
using RetinaSharp.Models;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Postprocessing;
using RetinaSharp.Structures;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Serialization;
using Xunit;

namespace RetinaSharp.Tests.Models;

/// <summary>
/// A torchvision RetinaNet (v1 and v2 layouts, narrow ResNet-18 body) loaded from its .pth state dict
/// must reproduce torchvision's transform, features, head outputs, anchors, matches, losses,
/// gradients and detections (tools/make_retinanet_fixtures.py).
/// </summary>
public sealed class TorchvisionRetinaNetParityTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "retinanet", name);

    private static RetinaNetConfig Config(bool v2) => new()
    {
        Backbone = "resnet18",
        BackboneWidth = 1.0 / 16,
        BackboneNorm = NormKind.FrozenBatchNorm,
        TrainableBackboneLayers = 5,
        NumClasses = 5,
        FpnChannels = 32,
        P6FromC5 = v2,
        HeadGroupNorm = v2,
        BoxLoss = v2 ? BoxLossKind.GIoU : BoxLossKind.L1,
        MinSize = 48,
        MaxSize = 80,
        DetectionsPerImage = 100,
    };

    private static void AssertClose(Tensor expected, Tensor actual, double rtol, string what)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        var e = expected.ToArray();
        var a = actual.ToArray();
        double scale = e.Max(v => Math.Abs((double)v));
        for (int i = 0; i < e.Length; i++)
            // Relative to the element, or to 5% of the tensor's largest magnitude for near-zero
            // elements: group norms over a single channel of a 1×2 map (v2's P7) amplify float32
            // rounding in their statistics.
            Assert.True(Math.Abs(e[i] - a[i]) <= rtol * Math.Max(Math.Abs(e[i]), 0.05 * scale) + 1e-6, $"{what}[{i}]: {a[i]} vs torchvision {e[i]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Matches_torchvision_end_to_end(bool v2)
    {
        string tag = v2 ? "v2" : "v1";
        using var weights = TorchCheckpoint.LoadStateDict(Fixture($"{tag}_weights.pth"));
        using var t = SafeTensors.Load(Fixture($"{tag}_tensors.safetensors"));
        var config = Config(v2);
        using var model = new RetinaNet(config);
        model.LoadStateDict(weights);

        // Transform: normalise, resize, pad to a multiple of 32.
        var transform = new DetectionTransform(config.Transform);
        var images = new List<TransformedImage>();
        for (int i = 0; i < 2; i++)
        {
            var im = t[$"image{i}"];
            images.Add(transform.Apply(im.ToArray(), im.Size(1), im.Size(2), config.MinSize, config.MaxSize));
        }
        var sizes = t["image_sizes"].ToArray<long>();
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(sizes[i * 2], images[i].Height);
            Assert.Equal(sizes[i * 2 + 1], images[i].Width);
        }
        var (ph, pw) = transform.BatchSize(images);
        using var batch = Tensor.FromArray(transform.Pad(images, ph, pw), 2, 3, ph, pw);
        // torch's bilinear kernel places some source coordinates 1 ulp away from the float32
        // formula (its index arithmetic is not reproducible exactly), moving [0, 1] outputs by < 5e-6, i.e. < 2.5e-5 after dividing by std (0.225).
        var eb0 = t["batch"].ToArray();
        var ab0 = batch.ToArray();
        Assert.Equal(eb0.Length, ab0.Length);
        for (int i = 0; i < eb0.Length; i++) Assert.True(Math.Abs(eb0[i] - ab0[i]) <= 3e-5, $"batch[{i}]: {ab0[i]} vs torchvision {eb0[i]}");

        // Forward on torchvision's own batch so each stage is compared on identical inputs.
        model.Train();
        var pyramid = model.Backbone.ForwardPyramid(t["batch"]);
        for (int l = 0; l < 5; l++) AssertClose(t[$"feature{l}"], pyramid[l], 1e-4, $"P{l + 3}");
        foreach (var p in pyramid) p.Dispose();
        using var output = model.ForwardHeads(t["batch"]);
        AssertClose(t["cls_logits"], output.ClassLogits, 1e-4, "cls_logits");
        AssertClose(t["bbox_regression"], output.BoxRegression, 1e-4, "bbox_regression");

        var anchors = model.Anchors(output);
        Assert.Equal(t["anchors"].ToArray(), anchors.Boxes);

        // Targets in network coordinates, as torchvision's transform produced them.
        int[][] labels = [[1, 4, 2], []];
        var targets = new List<DetectionTarget>();
        for (int i = 0; i < 2; i++)
        {
            var boxes = t[$"target{i}_boxes"].ToArray();
            targets.Add(new DetectionTarget([.. System.Runtime.InteropServices.MemoryMarshal.Cast<float, Box>(boxes)], labels[i], []));
            var matches = new int[anchors.Count];
            new Matcher().Match(boxes, anchors.Boxes, matches);
            Assert.Equal(t[$"matched{i}"].ToArray<long>().Select(v => (int)v).ToArray(), matches);
        }
        using var loss = model.ComputeLoss(output, targets);
        Assert.Equal(t["loss_classification"].Item(), loss.Classification.Item(), 1e-5 * Math.Abs(t["loss_classification"].Item()));
        Assert.Equal(t["loss_bbox_regression"].Item(), loss.BoxRegression.Item(), 1e-5 * Math.Abs(t["loss_bbox_regression"].Item()) + 1e-6);
        using var total = loss.Classification.Add(loss.BoxRegression);
        total.Backward();
        var named = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var key in t.Keys.Where(k => k.StartsWith("grad.", StringComparison.Ordinal)))
            AssertClose(t[key], named[key["grad.".Length..]].Grad!, 2e-3, key);
        model.ZeroGrad();

        // Inference with the classification bias raised as in the fixture.
        model.Eval();
        model.Head.ClassificationHead.NamedParameters().First(p => p.Name == "cls_logits.bias").Parameter.AddInPlace(Tensor.Full([45], 2.5f));
        List<List<Detection>> detections;
        using (Autograd.NoGrad())
        using (var eval = model.ForwardHeads(batch))
            detections = model.Postprocess(eval, images.Select(im => new ImageSize(im.Height, im.Width)).ToList());
        for (int i = 0; i < 2; i++)
        {
            var mappedBoxes = DetectionTransform.ScaleBoxes([.. detections[i].Select(d => d.Box)],
                new ImageSize(images[i].Height, images[i].Width), new ImageSize(images[i].OriginalHeight, images[i].OriginalWidth));
            var mapped = detections[i].Select((d, q) => d with { Box = mappedBoxes[q] }).ToList();
            var eb = t[$"det{i}_boxes"].ToArray();
            var es = t[$"det{i}_scores"].ToArray();
            var el = t[$"det{i}_labels"].ToArray<long>();
            Assert.Equal(es.Length, mapped.Count);
            var used = new bool[mapped.Count];
            for (int j = 0; j < es.Length; j++)
            {
                int found = -1;
                for (int q = 0; q < mapped.Count && found < 0; q++)
                {
                    if (used[q] || mapped[q].Label != el[j] || Math.Abs(mapped[q].Score - es[j]) > 1e-4) continue;
                    float[] ours = [mapped[q].Box.X1, mapped[q].Box.Y1, mapped[q].Box.X2, mapped[q].Box.Y2];
                    float ea = BoxOps.Area(eb, j), oa = BoxOps.Area(ours, 0);
                    if (BoxOps.Iou(eb, j, ea, ours, 0, oa) > 0.999f || (ea == 0 && oa == 0)) found = q;
                }
                Assert.True(found >= 0, $"{tag} image {i}: torchvision detection {j} (label {el[j]}, score {es[j]}) has no match");
                used[found] = true;
            }
        }
    }

    [Fact]
    public void Folding_frozen_batch_norm_keeps_the_outputs()
    {
        using var weights = TorchCheckpoint.LoadStateDict(Fixture("v1_weights.pth"));
        using var t = SafeTensors.Load(Fixture("v1_tensors.safetensors"));
        using var model = new RetinaNet(Config(false));
        model.LoadStateDict(weights);
        model.Eval();
        using var _ = Autograd.NoGrad();
        using var before = model.ForwardHeads(t["batch"]);
        int folded = model.Backbone.Body.FoldFrozenBatchNorm();
        // Stem plus two convolutions per basic block (8 blocks) plus three downsample branches.
        Assert.Equal(1 + 16 + 3, folded);
        using var after = model.ForwardHeads(t["batch"]);
        AssertClose(before.ClassLogits, after.ClassLogits, 1e-4, "folded cls_logits");
        AssertClose(before.BoxRegression, after.BoxRegression, 1e-4, "folded bbox_regression");
        model.Train();
        Assert.DoesNotContain(model.NamedModules(), m => m.Module is RetinaSharp.Tensors.Nn.Conv2d c && c.IsFolded);
    }
}
