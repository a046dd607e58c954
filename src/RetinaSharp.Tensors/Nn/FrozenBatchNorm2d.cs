namespace RetinaSharp.Tensors.Nn;

/// <summary>
/// Batch norm with fixed statistics and affine, as torchvision.ops.FrozenBatchNorm2d: buffers (not
/// parameters) "weight", "bias", "running_mean", "running_var"; y = x·scale + shift with
/// scale = weight/√(running_var + eps), shift = bias − running_mean·scale. The gradient reaches the
/// input only. (torchvision drops a checkpoint's num_batches_tracked for this layer; loaders should too.)
/// </summary>
public sealed class FrozenBatchNorm2d : Module
{
    public FrozenBatchNorm2d(int numFeatures, float eps = 1e-5f)
    {
        if (numFeatures <= 0) throw new ArgumentException($"Invalid FrozenBatchNorm2d({numFeatures}).");
        NumFeatures = numFeatures;
        Eps = eps;
        Weight = RegisterBuffer("weight", Tensor.Ones([numFeatures]));
        Bias = RegisterBuffer("bias", Tensor.Zeros([numFeatures]));
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures]));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
    }

    public int NumFeatures { get; }
    public float Eps { get; }
    public Tensor Weight { get; }
    public Tensor Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }

    /// <summary>The per-channel scale and shift this layer applies.</summary>
    public (float[] Scale, float[] Shift) Affine() => Functional.FrozenAffine(Weight, Bias, RunningMean, RunningVar, Eps);

    /// <summary>True when a preceding convolution has absorbed this layer (see <see cref="Conv2d.FoldAffine"/>); Forward then passes its input through.</summary>
    public bool IsFoldedIntoConv { get; set; }

    public override Tensor Forward(Tensor input) => IsFoldedIntoConv
        ? input.Alias()
        : Functional.FrozenBatchNorm(input, Weight, Bias, RunningMean, RunningVar, Eps);
}
