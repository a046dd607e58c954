using RetinaSharp.Tensors;
using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Models.Heads;

/// <summary>The two RetinaNet subnets, applied to every pyramid level with shared weights; they share nothing with each other.</summary>
public sealed class RetinaNetHead : Module
{
    public RetinaNetHead(int inChannels, int numAnchors, int numClasses, RandomGenerator rng,
        float priorProbability = 0.01f, bool groupNorm = false, int towerDepth = 4)
    {
        ClassificationHead = RegisterModule("classification_head",
            new RetinaNetClassificationHead(inChannels, numAnchors, numClasses, rng, priorProbability, groupNorm, towerDepth));
        RegressionHead = RegisterModule("regression_head",
            new RetinaNetRegressionHead(inChannels, numAnchors, rng, groupNorm, towerDepth));
    }

    public RetinaNetClassificationHead ClassificationHead { get; }
    public RetinaNetRegressionHead RegressionHead { get; }

    public (Tensor ClassLogits, Tensor BoxRegression) Forward(IReadOnlyList<Tensor> features) =>
        (ClassificationHead.Forward(features), RegressionHead.Forward(features));
}
