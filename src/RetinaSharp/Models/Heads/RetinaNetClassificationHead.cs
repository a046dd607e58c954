using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Heads;

/// <summary>
/// Classification subnet: a conv tower then a 3×3 conv to A·K logits per location, one sigmoid per
/// class (no softmax, no background class). The last bias starts at −log((1 − π)/π) so every anchor
/// first predicts foreground with probability π (0.01).
/// </summary>
public sealed class RetinaNetClassificationHead : Module
{
    private readonly Sequential _conv;
    private readonly Conv2d _clsLogits;

    public RetinaNetClassificationHead(int inChannels, int numAnchors, int numClasses, RandomGenerator rng,
        float priorProbability = 0.01f, bool groupNorm = false, int towerDepth = 4)
    {
        NumAnchors = numAnchors;
        NumClasses = numClasses;
        _conv = RegisterModule("conv", HeadTower.Create(inChannels, towerDepth, groupNorm, rng));
        _clsLogits = RegisterModule("cls_logits", new Conv2d(inChannels, numAnchors * numClasses, 3, padding: 1, rng: rng));
        Init.Normal(_clsLogits.Weight, rng, 0, 0.01f);
        Init.Constant(_clsLogits.Bias!, PriorBias(priorProbability));
    }

    public int NumAnchors { get; }
    public int NumClasses { get; }

    /// <summary>The logit whose sigmoid is π; π ≤ 0 or ≥ 1 gives 0 (no prior, the ablation's "none").</summary>
    public static float PriorBias(float pi) => pi is > 0 and < 1 ? -MathF.Log((1 - pi) / pi) : 0f;

    /// <summary>Logits for every level, concatenated: [N, Σ H·W·A, K].</summary>
    public Tensor Forward(IReadOnlyList<Tensor> features)
    {
        var levels = new Tensor[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            using var t = _conv.Forward(features[i]);
            using var logits = _clsLogits.Forward(t);
            levels[i] = HeadTower.FlattenLevel(logits, NumClasses);
        }
        var all = Tensor.Cat(levels, 1);
        foreach (var l in levels) l.Dispose();
        return all;
    }
}
