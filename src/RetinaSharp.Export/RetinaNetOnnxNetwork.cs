using RetinaSharp.Models;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;
using static RetinaSharp.Export.OnnxGraphBuilder;

namespace RetinaSharp.Export;

/// <summary>
/// Writes the network part of a <see cref="RetinaNet"/> (ResNet body, FPN, the two heads) as ONNX
/// ops, reading each layer by its torchvision name. Frozen (and, in evaluation, trainable) batch
/// norms are folded into the convolution before them with the float arithmetic the detector uses.
/// </summary>
internal sealed class RetinaNetOnnxNetwork
{
    private readonly OnnxGraphBuilder _g;
    private readonly Dictionary<string, Module> _modules;
    private readonly Dictionary<string, (string Weight, string? Bias)> _convs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _channelVectors = new(StringComparer.Ordinal);

    public RetinaNetOnnxNetwork(OnnxGraphBuilder graph, RetinaNet model)
    {
        _g = graph;
        Model = model;
        _modules = new Dictionary<string, Module>(StringComparer.Ordinal);
        foreach (var (name, module) in model.NamedModules()) _modules[name] = module;
    }

    public RetinaNet Model { get; }

    /// <summary>Per level P3..P7: class logits [N, H·W·A, K] and box deltas [N, H·W·A, 4], plus the level's feature map (for its size).</summary>
    public (string Logits, string Deltas, string Feature)[] Forward(string images)
    {
        var pyramid = Pyramid(images);
        var config = Model.Config;
        var result = new (string, string, string)[pyramid.Length];
        for (int l = 0; l < pyramid.Length; l++)
        {
            var cls = Tower("head.classification_head.conv", pyramid[l]);
            cls = Conv("head.classification_head.cls_logits", cls);
            var box = Tower("head.regression_head.conv", pyramid[l]);
            box = Conv("head.regression_head.bbox_reg", box);
            result[l] = (Flatten(cls, config.AnchorsPerLocation, config.NumClasses), Flatten(box, config.AnchorsPerLocation, 4), pyramid[l]);
        }
        return result;
    }

    private string[] Pyramid(string images)
    {
        var x = Relu(Norm("backbone.body.bn1", Conv("backbone.body.conv1", images)));
        x = _g.Op("MaxPool", [x], Attr("kernel_shape", 3L, 3L), Attr("strides", 2L, 2L), Attr("pads", 1L, 1L, 1L, 1L));
        var c = new string[4];
        for (int stage = 0; stage < 4; stage++)
        {
            string layer = $"backbone.body.layer{stage + 1}";
            for (int b = 0; _modules.ContainsKey($"{layer}.{b}"); b++) x = Block($"{layer}.{b}", x);
            c[stage] = x;
        }
        const string fpn = "backbone.fpn";
        var features = new[] { c[1], c[2], c[3] };
        var results = new string[5];
        var lastInner = Conv($"{fpn}.inner_blocks.2.0", features[2]);
        results[2] = Conv($"{fpn}.layer_blocks.2.0", lastInner);
        for (int i = 1; i >= 0; i--)
        {
            var lateral = Conv($"{fpn}.inner_blocks.{i}.0", features[i]);
            // torch's nearest interpolation to the lateral's size: source index floor(dst · in / out).
            var topDown = _g.Op("Resize", [lastInner, "", "", _g.Op("Shape", lateral)],
                Attr("mode", "nearest"), Attr("coordinate_transformation_mode", "asymmetric"), Attr("nearest_mode", "floor"));
            lastInner = _g.Op("Add", lateral, topDown);
            results[i] = Conv($"{fpn}.layer_blocks.{i}.0", lastInner);
        }
        var extra = (Models.Necks.LastLevelP6P7)_modules[$"{fpn}.extra_blocks"];
        results[3] = Conv($"{fpn}.extra_blocks.p6", extra.UseP5 ? results[2] : c[3]);
        results[4] = Conv($"{fpn}.extra_blocks.p7", Relu(results[3]));
        return results;
    }

    private string Block(string prefix, string x)
    {
        bool bottleneck = _modules.ContainsKey($"{prefix}.conv3");
        var y = Relu(Norm($"{prefix}.bn1", Conv($"{prefix}.conv1", x)));
        y = Norm($"{prefix}.bn2", Conv($"{prefix}.conv2", y));
        if (bottleneck) y = Norm($"{prefix}.bn3", Conv($"{prefix}.conv3", Relu(y)));
        var identity = _modules.ContainsKey($"{prefix}.downsample")
            ? Norm($"{prefix}.downsample.1", Conv($"{prefix}.downsample.0", x))
            : x;
        return Relu(_g.Op("Add", y, identity));
    }

    private string Tower(string prefix, string x)
    {
        for (int i = 0; _modules.ContainsKey($"{prefix}.{i}"); i++)
        {
            x = Conv($"{prefix}.{i}.0", x);
            if (_modules.GetValueOrDefault($"{prefix}.{i}.1") is GroupNorm) x = Norm($"{prefix}.{i}.1", x);
            x = Relu(x);
        }
        return x;
    }

    /// <summary>[N, A·C, H, W] → [N, H·W·A, C], the anchors' order.</summary>
    private string Flatten(string x, int anchors, int valuesPerAnchor)
    {
        var v = _g.Reshape(x, 0, anchors, valuesPerAnchor, -1);
        var p = _g.Transpose(v, 0, 3, 1, 2);
        return _g.Reshape(p, 0, -1, valuesPerAnchor);
    }

    private string Relu(string x) => _g.Op("Relu", x);

    /// <summary>
    /// A convolution; when the norm after it is a batch norm it is folded in here (weight·scale,
    /// bias·scale + shift) and <see cref="Norm"/> passes the value through. Weights used on several
    /// levels (the heads) are stored once.
    /// </summary>
    private string Conv(string name, string x)
    {
        var conv = (Conv2d)_modules[name];
        if (!_convs.TryGetValue(name, out var stored))
        {
            var weight = conv.Weight.ToArray();
            float[]? bias = conv.Bias?.ToArray();
            if (FoldedNorm(name) is { } affine)
            {
                var (scale, shift) = affine;
                int per = weight.Length / conv.OutChannels;
                for (int k = 0; k < conv.OutChannels; k++)
                    for (int i = 0; i < per; i++) weight[k * per + i] *= scale[k];
                var folded = new float[conv.OutChannels];
                for (int k = 0; k < folded.Length; k++) folded[k] = (bias == null ? 0 : bias[k] * scale[k]) + shift[k];
                bias = folded;
            }
            var shape = conv.Weight.Shape;
            string w = _g.Floats(name + ".weight", weight, shape[0], shape[1], shape[2], shape[3]);
            string? b = bias == null ? null : _g.Floats(name + ".bias", bias, bias.Length);
            _convs[name] = stored = (w, b);
        }
        string[] inputs = stored.Bias == null ? [x, stored.Weight] : [x, stored.Weight, stored.Bias];
        long kernel = conv.KernelSize, p = conv.Padding, s = conv.Stride, d = conv.Dilation;
        return _g.Op("Conv", inputs, Attr("kernel_shape", kernel, kernel), Attr("strides", s, s), Attr("pads", p, p, p, p),
            Attr("dilations", d, d), Attr("group", (long)conv.Groups));
    }

    /// <summary>The batch norm that follows convolution <paramref name="convName"/>, as scale and shift, or null.</summary>
    private (float[] Scale, float[] Shift)? FoldedNorm(string convName)
    {
        var norm = NormAfter(convName);
        return norm switch
        {
            FrozenBatchNorm2d f => f.Affine(),
            BatchNorm2d b => Functional.FrozenAffine(b.Weight, b.Bias, b.RunningMean, b.RunningVar, b.Eps),
            _ => null,
        };
    }

    private Module? NormAfter(string convName)
    {
        int dot = convName.LastIndexOf('.');
        string parent = convName[..(dot + 1)], leaf = convName[(dot + 1)..];
        string normName = leaf.StartsWith("conv", StringComparison.Ordinal) && parent.StartsWith("backbone.body.", StringComparison.Ordinal)
            ? parent + "bn" + leaf[4..]
            : leaf == "0" && parent.EndsWith("downsample.", StringComparison.Ordinal) ? parent + "1" : "";
        return _modules.GetValueOrDefault(normName);
    }

    private string Norm(string name, string x)
    {
        switch (_modules[name])
        {
            case FrozenBatchNorm2d or BatchNorm2d:
                return x; // folded into the convolution before it
            case GroupNorm gn:
                return GroupNorm(gn, name, x);
            default:
                throw new NotSupportedException($"Layer '{name}' ({_modules[name].GetType().Name}) has no ONNX export.");
        }
    }

    /// <summary>
    /// Group norm as InstanceNormalization over [N, G, C/G·H·W] (mean and variance per group),
    /// then the per-channel affine: ONNX's own GroupNormalization needs opset 18 and changed its
    /// scale's meaning in opset 21.
    /// </summary>
    private string GroupNorm(GroupNorm gn, string name, string x)
    {
        var grouped = _g.Reshape(x, 0, gn.NumGroups, -1);
        var ones = new float[gn.NumGroups];
        Array.Fill(ones, 1f);
        var normalized = _g.Op("InstanceNormalization", [grouped, _g.Floats(name + ".unit_scale", ones, ones.Length), _g.Floats(name + ".zero_shift", new float[gn.NumGroups], gn.NumGroups)],
            Attr("epsilon", gn.Eps));
        var y = _g.Op("Reshape", normalized, _g.Op("Shape", x));
        if (gn.Weight != null) y = _g.Op("Mul", y, Stored(name + ".weight", gn.Weight));
        if (gn.Bias != null) y = _g.Op("Add", y, Stored(name + ".bias", gn.Bias));
        return y;
    }

    /// <summary>A per-channel vector as [C, 1, 1] for broadcasting over [N, C, H, W], stored once.</summary>
    private string Stored(string name, Tensor vector)
    {
        if (!_channelVectors.TryGetValue(name, out var stored))
            _channelVectors[name] = stored = _g.Floats(name, vector.ToArray(), vector.Size(0), 1, 1);
        return stored;
    }
}
