namespace RetinaSharp.Tensors.Nn;

/// <summary>Group normalisation, as torch.nn.GroupNorm: "weight" (ones) and "bias" (zeros) of [channels] when affine.</summary>
public sealed class GroupNorm : Module
{
    public GroupNorm(int numGroups, int numChannels, float eps = 1e-5f, bool affine = true)
    {
        if (numGroups <= 0 || numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: {numChannels} channels are not divisible into {numGroups} groups.");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numChannels]));
            Bias = RegisterParameter("bias", Tensor.Zeros([numChannels]));
        }
    }

    public int NumGroups { get; }
    public int NumChannels { get; }
    public float Eps { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);
}
