namespace RetinaSharp.Tensors.Nn;

/// <summary>
/// 2-D convolution layer, as torch.nn.Conv2d: parameters "weight" [out, in/groups, k, k] and
/// optional "bias" [out], initialised like torch (kaiming_uniform(a = √5), i.e. U(±1/√fan_in), for
/// both).
/// </summary>
public sealed class Conv2d : Module
{
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, RandomGenerator? rng = null)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || dilation <= 0 || padding < 0 || groups <= 0)
            throw new ArgumentException($"Invalid Conv2d({inChannels}, {outChannels}, kernel {kernelSize}, stride {stride}, padding {padding}, dilation {dilation}, groups {groups}).");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d channels {inChannels}->{outChannels} are not divisible by groups {groups}.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        rng ??= Init.DefaultGenerator;
        Weight = RegisterParameter("weight", Tensor.Zeros([outChannels, inChannels / groups, kernelSize, kernelSize]));
        Init.KaimingUniform(Weight, rng, MathF.Sqrt(5));
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros([outChannels]));
            float bound = 1f / MathF.Sqrt(Init.Fans(Weight).FanIn);
            Init.Uniform(Bias, rng, -bound, bound);
        }
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }
    public int Groups { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
}
