using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Necks;

/// <summary>
/// Feature pyramid (Lin et al. 2017) as torchvision's FeaturePyramidNetwork with LastLevelP6P7:
/// 1×1 laterals (inner_blocks.i.0), top-down nearest upsampling to each lateral's size and
/// addition, 3×3 outputs (layer_blocks.i.0), then P6 and P7 (extra_blocks).
/// </summary>
public sealed class FeaturePyramidNetwork : Module
{
    private readonly ModuleList<Sequential> _inner;
    private readonly ModuleList<Sequential> _layer;
    private readonly LastLevelP6P7 _extra;

    /// <param name="inChannels">Channels of the backbone features fed in (C3, C4, C5).</param>
    /// <param name="outChannels">Channels of every pyramid level (256 in the paper).</param>
    /// <param name="p6FromC5">Take P6 from C5 (paper, torchvision v2) rather than P5 (torchvision v1).</param>
    public FeaturePyramidNetwork(int[] inChannels, int outChannels, bool p6FromC5, RandomGenerator rng)
    {
        OutChannels = outChannels;
        _inner = RegisterModule("inner_blocks", new ModuleList<Sequential>());
        _layer = RegisterModule("layer_blocks", new ModuleList<Sequential>());
        foreach (var c in inChannels)
        {
            var inner = new Conv2d(c, outChannels, 1, rng: rng);
            var layer = new Conv2d(outChannels, outChannels, 3, padding: 1, rng: rng);
            foreach (var conv in new[] { inner, layer })
            {
                Init.KaimingUniform(conv.Weight, rng, a: 1);
                Init.Constant(conv.Bias!, 0);
            }
            _inner.Add(new Sequential(inner));
            _layer.Add(new Sequential(layer));
        }
        // torchvision decides P5-vs-C5 by comparing channel counts; a C5 with exactly outChannels
        // channels would be ambiguous, so the choice is explicit here.
        int extraIn = p6FromC5 ? inChannels[^1] : outChannels;
        _extra = RegisterModule("extra_blocks", new LastLevelP6P7(extraIn, outChannels, rng, forceUseP5: !p6FromC5));
    }

    public int OutChannels { get; }

    /// <summary>P3..P7 from C3..C5.</summary>
    public Tensor[] Forward(IReadOnlyList<Tensor> features)
    {
        int n = features.Count;
        if (n != _inner.Count) throw new ArgumentException($"The pyramid expects {_inner.Count} feature maps, got {n}.");
        var results = new Tensor[n + 2];
        var lastInner = _inner[n - 1].Forward(features[n - 1]);
        results[n - 1] = _layer[n - 1].Forward(lastInner);
        for (int i = n - 2; i >= 0; i--)
        {
            using var lateral = _inner[i].Forward(features[i]);
            using var topDown = Functional.UpsampleNearest(lastInner, lateral.Size(2), lateral.Size(3));
            lastInner.Dispose();
            lastInner = lateral.Add(topDown);
            results[i] = _layer[i].Forward(lastInner);
        }
        lastInner.Dispose();
        var (p6, p7) = _extra.Forward(results[n - 1], features[n - 1]);
        results[n] = p6;
        results[n + 1] = p7;
        return results;
    }
}
