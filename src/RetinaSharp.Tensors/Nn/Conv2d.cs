namespace RetinaSharp.Tensors.Nn;

/// <summary>2-D convolution layer (parameters "weight" [out, in/groups, k, k] and "bias" [out]), initialised as torch.nn.Conv2d.</summary>
public sealed class Conv2d : Module
{
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, RandomGenerator? rng = null)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d channels {inChannels}->{outChannels} are not divisible by groups {groups}.");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        rng ??= new RandomGenerator(0);
        Weight = RegisterParameter("weight", Tensor.Zeros([outChannels, inChannels / groups, kernelSize, kernelSize]));
        // torch's default: kaiming_uniform_(a = √5), i.e. U(±1/√fan_in), and bias U(±1/√fan_in).
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
