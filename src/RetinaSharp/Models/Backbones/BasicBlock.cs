using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Backbones;

/// <summary>ResNet-18/34 residual block: two 3×3 convolutions (torchvision's BasicBlock, same parameter names).</summary>
public sealed class BasicBlock : Module
{
    public const int Expansion = 1;

    private readonly Conv2d _conv1, _conv2;
    private readonly Module _bn1, _bn2;
    private readonly Sequential? _downsample;

    public BasicBlock(int inPlanes, int planes, int stride, NormKind norm, RandomGenerator rng)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false, rng: rng));
        _bn1 = RegisterModule("bn1", NormLayers.Create(norm, planes));
        _conv2 = RegisterModule("conv2", new Conv2d(planes, planes, 3, padding: 1, bias: false, rng: rng));
        _bn2 = RegisterModule("bn2", NormLayers.Create(norm, planes));
        if (stride != 1 || inPlanes != planes)
            _downsample = RegisterModule("downsample", new Sequential(
                new Conv2d(inPlanes, planes, 1, stride: stride, bias: false, rng: rng),
                NormLayers.Create(norm, planes)));
    }

    public override Tensor Forward(Tensor x)
    {
        using var a = _conv1.Forward(x);
        using var b = _bn1.Forward(a);
        using var c = b.Relu();
        using var d = _conv2.Forward(c);
        using var e = _bn2.Forward(d);
        using var identity = _downsample?.Forward(x);
        using var sum = e.Add(identity ?? x);
        return sum.Relu();
    }
}
