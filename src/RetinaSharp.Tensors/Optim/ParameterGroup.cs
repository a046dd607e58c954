namespace RetinaSharp.Tensors.Optim;

/// <summary>Parameters that share optimiser settings (like a torch param group).</summary>
/// <param name="Parameters">The tensors to update.</param>
/// <param name="WeightDecay">Overrides the optimiser's weight decay for this group when set (e.g. 0 for norms and biases).</param>
/// <param name="LearningRateScale">Multiplies the scheduled learning rate for this group.</param>
public sealed record ParameterGroup(IReadOnlyList<Tensor> Parameters, float? WeightDecay = null, float LearningRateScale = 1f);
