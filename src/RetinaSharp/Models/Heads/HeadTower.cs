using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Heads;

/// <summary>
/// The convolution tower shared by both RetinaNet heads: <c>depth</c> × (3×3 conv, [GroupNorm], ReLU),
/// named conv.i.0 (and conv.i.1 for the norm) like torchvision's Conv2dNormActivation stack.
/// Convolutions start at N(0, 0.01) with zero bias (SPEC §3); with GroupNorm they have no bias (v2).
/// </summary>
internal static class HeadTower
{
    public static Sequential Create(int channels, int depth, bool groupNorm, RandomGenerator rng)
    {
        var tower = new Sequential();
        for (int i = 0; i < depth; i++)
        {
            var conv = new Conv2d(channels, channels, 3, padding: 1, bias: !groupNorm, rng: rng);
            Init.Normal(conv.Weight, rng, 0, 0.01f);
            if (conv.Bias != null) Init.Constant(conv.Bias, 0);
            var block = new Sequential(conv);
            if (groupNorm) block.Add(new GroupNorm(Backbones.NormLayers.GroupCount(channels), channels));
            block.Add(new ReLU());
            tower.Add(block);
        }
        return tower;
    }

    /// <summary>[N, A·C, H, W] → [N, H·W·A, C], the order the anchors are flattened in.</summary>
    public static Tensor FlattenLevel(Tensor output, int valuesPerAnchor)
    {
        int n = output.Size(0), h = output.Size(2), w = output.Size(3);
        using var v = output.View(n, -1, valuesPerAnchor, h, w);
        using var p = v.Permute(0, 3, 4, 1, 2);
        return p.Reshape(n, -1, valuesPerAnchor);
    }
}
