using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Heads;

/// <summary>Box regression subnet: a conv tower then a 3×3 conv to 4·A class-agnostic box deltas per location.</summary>
public sealed class RetinaNetRegressionHead : Module
{
    private readonly Sequential _conv;
    private readonly Conv2d _bboxReg;

    public RetinaNetRegressionHead(int inChannels, int numAnchors, RandomGenerator rng, bool groupNorm = false, int towerDepth = 4)
    {
        NumAnchors = numAnchors;
        _conv = RegisterModule("conv", HeadTower.Create(inChannels, towerDepth, groupNorm, rng));
        _bboxReg = RegisterModule("bbox_reg", new Conv2d(inChannels, numAnchors * 4, 3, padding: 1, rng: rng));
        Init.Normal(_bboxReg.Weight, rng, 0, 0.01f);
        Init.Constant(_bboxReg.Bias!, 0);
    }

    public int NumAnchors { get; }

    /// <summary>Box deltas for every level, concatenated: [N, Σ H·W·A, 4].</summary>
    public Tensor Forward(IReadOnlyList<Tensor> features)
    {
        var levels = new Tensor[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            using var t = _conv.Forward(features[i]);
            using var deltas = _bboxReg.Forward(t);
            levels[i] = HeadTower.FlattenLevel(deltas, 4);
        }
        var all = Tensor.Cat(levels, 1);
        foreach (var l in levels) l.Dispose();
        return all;
    }
}
