using RetinaSharp.Losses;
using RetinaSharp.Models.Backbones;
using RetinaSharp.Tensors;

namespace RetinaSharp.Models;

/// <summary>
/// Works out the RetinaNet architecture from a torchvision-style state dict: v1 or v2 heads
/// (GroupNorm present), P6 from C5 or P5 (p6's input channels), backbone depth and block type,
/// ResNeXt groups, widths, FPN channels, head depth and the class count (from cls_logits).
/// </summary>
public static class RetinaNetConfigInference
{
    public static RetinaNetConfig Infer(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        Tensor Need(string key) => state.TryGetValue(key, out var t) ? t
            : throw new InvalidDataException($"{source}: missing key '{key}': not a RetinaNet state dict.");
        var clsLogits = Need("head.classification_head.cls_logits.weight");
        var bboxReg = Need("head.regression_head.bbox_reg.weight");
        int anchors = bboxReg.Size(0) / 4;
        if (anchors * 4 != bboxReg.Size(0) || clsLogits.Size(0) % anchors != 0)
            throw new InvalidDataException($"{source}: head shapes {Tensor.FormatShape(clsLogits.Shape)} and {Tensor.FormatShape(bboxReg.Shape)} do not fit any anchor count.");
        int numClasses = clsLogits.Size(0) / anchors;
        int fpn = Need("backbone.fpn.inner_blocks.0.0.weight").Size(0);
        bool headGn = state.ContainsKey("head.classification_head.conv.0.1.weight");
        int headDepth = 0;
        while (state.ContainsKey($"head.classification_head.conv.{headDepth}.0.weight")) headDepth++;
        // As torchvision decides: P6 from C5 unless its input has the FPN's channel count (then P5;
        // a C5 with exactly that many channels is indistinguishable from P5 in the weights).
        bool p6FromC5 = Need("backbone.fpn.extra_blocks.p6.weight").Size(1) != fpn;

        int[] blocks = new int[4];
        for (int l = 0; l < 4; l++)
            while (state.ContainsKey($"backbone.body.layer{l + 1}.{blocks[l]}.conv1.weight")) blocks[l]++;
        bool bottleneck = state.ContainsKey("backbone.body.layer1.0.conv3.weight");
        // The last stage's output width fixes the width multiplier (the stem has a floor of 8 channels).
        double widthScale = bottleneck
            ? Need("backbone.body.layer4.0.conv3.weight").Size(0) / 2048.0
            : Need("backbone.body.layer4.0.conv2.weight").Size(0) / 512.0;
        string name = (bottleneck, blocks[0], blocks[1], blocks[2], blocks[3]) switch
        {
            (false, 2, 2, 2, 2) => "resnet18",
            (false, 3, 4, 6, 3) => "resnet34",
            (true, 3, 4, 6, 3) => "resnet50",
            (true, 3, 4, 23, 3) => "resnet101",
            (true, 3, 8, 36, 3) => "resnet152",
            _ => throw new InvalidDataException($"{source}: backbone with blocks [{string.Join(", ", blocks)}] is not a known ResNet."),
        };
        if (bottleneck)
        {
            var conv2 = Need("backbone.body.layer1.0.conv2.weight");
            int width = conv2.Size(0), perGroup = conv2.Size(1);
            int groups = width / perGroup;
            if (groups > 1)
            {
                int widthPerGroup = width / groups;
                name = (name, groups, widthPerGroup) switch
                {
                    ("resnet50", 32, 4) => "resnext50_32x4d",
                    ("resnet101", 32, 8) => "resnext101_32x8d",
                    ("resnet101", 64, 4) => "resnext101_64x4d",
                    _ => throw new InvalidDataException($"{source}: grouped backbone ({groups} groups of {widthPerGroup}) is not a known ResNeXt."),
                };
            }
        }
        var norm = state.ContainsKey("backbone.body.bn1.num_batches_tracked") ? NormKind.BatchNorm
            : state.ContainsKey("backbone.body.bn1.running_mean") ? NormKind.FrozenBatchNorm : NormKind.GroupNorm;
        var config = new RetinaNetConfig
        {
            Backbone = name,
            BackboneWidth = widthScale,
            BackboneNorm = norm,
            NumClasses = numClasses,
            FpnChannels = fpn,
            P6FromC5 = p6FromC5,
            HeadGroupNorm = headGn,
            HeadDepth = headDepth,
            BoxLoss = headGn ? BoxLossKind.GIoU : BoxLossKind.L1,
        };
        if (config.AnchorsPerLocation != anchors)
            throw new InvalidDataException($"{source}: the head predicts {anchors} anchors per location; the default anchor set has {config.AnchorsPerLocation}.");
        return config;
    }
}
