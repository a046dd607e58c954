using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Backbones;

/// <summary>
/// ResNet / ResNeXt feature extractor with torchvision's parameter names (conv1, bn1, layer1..4,
/// and fc when built with a classifier), returning the stage outputs C2..C5 (strides 4..32).
/// </summary>
public sealed class ResNet : Module
{
    private readonly Conv2d _conv1;
    private readonly Module _bn1;
    private readonly MaxPool2d _maxpool;
    private readonly Sequential[] _layers = new Sequential[4];
    private readonly Linear? _fc;

    public ResNet(ResNetSpec spec, NormKind norm, RandomGenerator rng, int classifierClasses = 0)
    {
        Spec = spec;
        Norm = norm;
        int inPlanes = spec.StemChannels;
        _conv1 = RegisterModule("conv1", new Conv2d(3, inPlanes, 7, stride: 2, padding: 3, bias: false, rng: rng));
        _bn1 = RegisterModule("bn1", NormLayers.Create(norm, inPlanes));
        _maxpool = new MaxPool2d(3, stride: 2, padding: 1);
        for (int stage = 0; stage < 4; stage++)
        {
            int planes = spec.Planes(stage);
            int stride = stage == 0 ? 1 : 2;
            var layer = new Sequential();
            for (int b = 0; b < spec.Layers[stage]; b++)
            {
                Module block = spec.UseBottleneck
                    ? new Bottleneck(inPlanes, planes, b == 0 ? stride : 1, spec.Groups, spec.WidthPerGroup, norm, rng)
                    : new BasicBlock(inPlanes, planes, b == 0 ? stride : 1, norm, rng);
                layer.Add(block);
                inPlanes = planes * spec.Expansion;
            }
            _layers[stage] = RegisterModule($"layer{stage + 1}", layer);
        }
        if (classifierClasses > 0) _fc = RegisterModule("fc", new Linear(inPlanes, classifierClasses, rng: rng));
        InitializeWeights(rng);
    }

    public ResNetSpec Spec { get; }

    public NormKind Norm { get; }

    /// <summary>Channels of C2..C5.</summary>
    public int[] OutChannels => [Spec.OutChannels(0), Spec.OutChannels(1), Spec.OutChannels(2), Spec.OutChannels(3)];

    /// <summary>torchvision's ResNet initialisation: Kaiming-normal (fan_out, ReLU) convolutions, norms at weight 1 and bias 0.</summary>
    private void InitializeWeights(RandomGenerator rng)
    {
        foreach (var (_, m) in NamedModules())
        {
            if (m is Conv2d conv) Init.KaimingNormal(conv.Weight, rng, fanOut: true);
        }
    }

    /// <summary>C2, C3, C4, C5 for an image batch [N, 3, H, W].</summary>
    public Tensor[] ForwardFeatures(Tensor images)
    {
        var features = new Tensor[4];
        using var a = _conv1.Forward(images);
        using var b = _bn1.Forward(a);
        using var c = b.Relu();
        using var pooled = _maxpool.Forward(c);
        var x = pooled;
        for (int stage = 0; stage < 4; stage++)
        {
            features[stage] = _layers[stage].Forward(x);
            x = features[stage];
        }
        return features;
    }

    /// <summary>Classification logits (only for a ResNet built with a classifier).</summary>
    public override Tensor Forward(Tensor images)
    {
        if (_fc == null) throw new InvalidOperationException("This ResNet has no classifier; use ForwardFeatures.");
        var f = ForwardFeatures(images);
        for (int i = 0; i < 3; i++) f[i].Dispose();
        using var pooled = f[3].Mean([2, 3]);
        f[3].Dispose();
        return _fc.Forward(pooled);
    }

    /// <summary>
    /// For inference: folds every frozen batch norm into the convolution before it (conv1/bn1,
    /// convN/bnN in each block, downsample.0/downsample.1). Exact up to float rounding; returns the
    /// number of layers folded. Switching back to training mode undoes it.
    /// </summary>
    public int FoldFrozenBatchNorm()
    {
        var modules = NamedModules().ToDictionary(m => m.Name, m => m.Module);
        int folded = 0;
        foreach (var (name, module) in modules)
        {
            if (module is not FrozenBatchNorm2d bn || bn.IsFoldedIntoConv) continue;
            int dot = name.LastIndexOf('.');
            string parent = dot < 0 ? "" : name[..(dot + 1)], leaf = name[(dot + 1)..];
            string convName = leaf.StartsWith("bn", StringComparison.Ordinal) ? parent + "conv" + leaf[2..] : leaf == "1" ? parent + "0" : "";
            if (!modules.TryGetValue(convName, out var c) || c is not Conv2d conv) continue;
            var (scale, shift) = bn.Affine();
            conv.FoldAffine(scale, shift);
            bn.IsFoldedIntoConv = true;
            folded++;
        }
        return folded;
    }

    public override void Train(bool mode = true)
    {
        base.Train(mode);
        if (!mode) return;
        foreach (var (_, m) in NamedModules())
        {
            if (m is Conv2d conv) conv.Unfold();
            if (m is FrozenBatchNorm2d bn) bn.IsFoldedIntoConv = false;
        }
    }

    /// <summary>
    /// Freezes all but the last <paramref name="trainableLayers"/> stages, counted from layer4 down to
    /// conv1 (torchvision's trainable_backbone_layers: 0–5, default 3 for pretrained backbones).
    /// </summary>
    public void SetTrainableLayers(int trainableLayers)
    {
        if (trainableLayers is < 0 or > 5) throw new ArgumentOutOfRangeException(nameof(trainableLayers), "Trainable backbone layers must be between 0 and 5.");
        string[] order = ["layer4", "layer3", "layer2", "layer1", "conv1"];
        var trainable = order.Take(trainableLayers).ToHashSet();
        if (trainableLayers == 5) trainable.Add("bn1");
        foreach (var (name, p) in NamedParameters())
        {
            bool train = trainable.Any(prefix => name.StartsWith(prefix + ".", StringComparison.Ordinal) || name == prefix);
            p.RequiresGrad = train;
        }
    }
}
