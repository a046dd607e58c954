using RetinaSharp.Models.Backbones;
using RetinaSharp.Models.Necks;
using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models;

/// <summary>A ResNet body feeding C3–C5 into a feature pyramid: P3–P7 (names backbone.body.* and backbone.fpn.*).</summary>
public sealed class BackboneWithFpn : Module
{
    public BackboneWithFpn(ResNet body, int fpnChannels, bool p6FromC5, RandomGenerator rng)
    {
        Body = RegisterModule("body", body);
        var c = body.OutChannels;
        Fpn = RegisterModule("fpn", new FeaturePyramidNetwork([c[1], c[2], c[3]], fpnChannels, p6FromC5, rng));
    }

    public ResNet Body { get; }
    public FeaturePyramidNetwork Fpn { get; }
    public int OutChannels => Fpn.OutChannels;

    /// <summary>P3..P7 for an image batch.</summary>
    public Tensor[] ForwardPyramid(Tensor images)
    {
        var c = Body.ForwardFeatures(images);
        try
        {
            return Fpn.Forward([c[1], c[2], c[3]]);
        }
        finally
        {
            foreach (var t in c) t.Dispose();
        }
    }
}
