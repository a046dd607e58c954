using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Necks;

/// <summary>
/// The extra pyramid levels of RetinaNet: P6 = 3×3 stride-2 conv, P7 = 3×3 stride-2 conv on ReLU(P6).
/// P6 is computed from P5 when the input has the FPN's channel count (torchvision v1), else from C5
/// (the paper and torchvision v2).
/// </summary>
public sealed class LastLevelP6P7 : Module
{
    private readonly Conv2d _p6, _p7;

    public LastLevelP6P7(int inChannels, int outChannels, RandomGenerator rng, bool? forceUseP5 = null)
    {
        _p6 = RegisterModule("p6", new Conv2d(inChannels, outChannels, 3, stride: 2, padding: 1, rng: rng));
        _p7 = RegisterModule("p7", new Conv2d(outChannels, outChannels, 3, stride: 2, padding: 1, rng: rng));
        foreach (var conv in new[] { _p6, _p7 })
        {
            Init.KaimingUniform(conv.Weight, rng, a: 1);
            Init.Constant(conv.Bias!, 0);
        }
        UseP5 = forceUseP5 ?? inChannels == outChannels;
    }

    /// <summary>True when P6 is computed from P5, false when from C5.</summary>
    public bool UseP5 { get; }

    public (Tensor P6, Tensor P7) Forward(Tensor p5, Tensor c5)
    {
        var p6 = _p6.Forward(UseP5 ? p5 : c5);
        using var r = p6.Relu();
        var p7 = _p7.Forward(r);
        return (p6, p7);
    }
}
