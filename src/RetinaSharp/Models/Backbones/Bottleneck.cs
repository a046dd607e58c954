using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Backbones;

/// <summary>
/// ResNet-50/101/152 and ResNeXt residual block: 1×1 reduce, 3×3 (grouped for ResNeXt, carrying the
/// stride as in torchvision's "ResNet v1.5"), 1×1 expand; same parameter names as torchvision.
/// </summary>
public sealed class Bottleneck : Module
{
    public const int Expansion = 4;

    private readonly Conv2d _conv1, _conv2, _conv3;
    private readonly Module _bn1, _bn2, _bn3;
    private readonly Sequential? _downsample;

    public Bottleneck(int inPlanes, int planes, int stride, int groups, int baseWidth, NormKind norm, RandomGenerator rng)
    {
        int width = (int)(planes * (baseWidth / 64.0)) * groups;
        _conv1 = RegisterModule("conv1", new Conv2d(inPlanes, width, 1, bias: false, rng: rng));
        _bn1 = RegisterModule("bn1", NormLayers.Create(norm, width));
        _conv2 = RegisterModule("conv2", new Conv2d(width, width, 3, stride: stride, padding: 1, groups: groups, bias: false, rng: rng));
        _bn2 = RegisterModule("bn2", NormLayers.Create(norm, width));
        _conv3 = RegisterModule("conv3", new Conv2d(width, planes * Expansion, 1, bias: false, rng: rng));
        _bn3 = RegisterModule("bn3", NormLayers.Create(norm, planes * Expansion));
        if (stride != 1 || inPlanes != planes * Expansion)
            _downsample = RegisterModule("downsample", new Sequential(
                new Conv2d(inPlanes, planes * Expansion, 1, stride: stride, bias: false, rng: rng),
                NormLayers.Create(norm, planes * Expansion)));
    }

    public override Tensor Forward(Tensor x)
    {
        using var a = _conv1.Forward(x);
        using var b = _bn1.Forward(a);
        using var c = b.Relu();
        using var d = _conv2.Forward(c);
        using var e = _bn2.Forward(d);
        using var f = e.Relu();
        using var g = _conv3.Forward(f);
        using var h = _bn3.Forward(g);
        using var identity = _downsample?.Forward(x);
        using var sum = h.Add(identity ?? x);
        return sum.Relu();
    }
}
