namespace RetinaSharp.Tensors.Nn;

/// <summary>
/// Batch norm with fixed statistics and affine, as torchvision.ops.FrozenBatchNorm2d: all four
/// tensors (weight, bias, running_mean, running_var) are buffers, and the layer is the per-channel
/// affine scale = w / √(var + eps), shift = b − mean·scale. Gradients flow to the input only.
/// </summary>
public sealed class FrozenBatchNorm2d : Module
{
    public FrozenBatchNorm2d(int numFeatures, float eps = 1e-5f)
    {
        Eps = eps;
        Weight = RegisterBuffer("weight", Tensor.Ones([numFeatures]));
        Bias = RegisterBuffer("bias", Tensor.Zeros([numFeatures]));
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures]));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
    }

    public float Eps { get; }
    public Tensor Weight { get; }
    public Tensor Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }

    /// <summary>The equivalent per-channel (scale, shift).</summary>
    public (float[] Scale, float[] Shift) Affine()
    {
        int c = Weight.Size(0);
        var scale = new float[c];
        var shift = new float[c];
        var w = Weight.Data; var b = Bias.Data; var m = RunningMean.Data; var v = RunningVar.Data;
        for (int i = 0; i < c; i++)
        {
            scale[i] = w[i] * (1f / MathF.Sqrt(v[i] + Eps));
            shift[i] = b[i] - m[i] * scale[i];
        }
        return (scale, shift);
    }

    public override Tensor Forward(Tensor input)
    {
        var (scale, shift) = Affine();
        using var s = Tensor.FromArray(scale, scale.Length);
        using var b = Tensor.FromArray(shift, shift.Length);
        return Functional.ChannelAffine(input, s, b);
    }
}
