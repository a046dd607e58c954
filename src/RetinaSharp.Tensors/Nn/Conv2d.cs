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

    private Tensor? _foldedWeight;
    private Tensor? _foldedBias;

    /// <summary>True after <see cref="FoldAffine"/>: the layer computes the convolution followed by that affine.</summary>
    public bool IsFolded => _foldedWeight != null;

    public override Tensor Forward(Tensor input) => _foldedWeight != null
        ? Functional.Conv2d(input, _foldedWeight, _foldedBias, Stride, Padding, Dilation, Groups)
        : Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <summary>
    /// Folds a following per-channel affine y = conv(x)·scale + shift (a frozen batch norm) into this
    /// layer, for inference: weight·scale and bias·scale + shift. The result is mathematically the same
    /// (no nonlinearity lies between them) and saves a pass over the activations. The registered
    /// parameters are unchanged, so state dicts keep their names and values; the folded copies are
    /// used by Forward until <see cref="Unfold"/>.
    /// </summary>
    public void FoldAffine(ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        if (scale.Length != OutChannels || shift.Length != OutChannels)
            throw new ArgumentException($"Folding needs {OutChannels} scales and shifts.");
        Unfold();
        var w = Weight.CloneDetached().DetachFromScope();
        var wd = w.Data;
        int per = wd.Length / OutChannels;
        for (int k = 0; k < OutChannels; k++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(wd.Slice(k * per, per), scale[k], wd.Slice(k * per, per));
        var b = Tensor.Zeros([OutChannels]).DetachFromScope();
        var bd = b.Data;
        for (int k = 0; k < OutChannels; k++) bd[k] = (Bias == null ? 0 : Bias.Data[k] * scale[k]) + shift[k];
        _foldedWeight = w;
        _foldedBias = b;
    }

    /// <summary>Drops a folded affine (back to the registered weight and bias).</summary>
    public void Unfold()
    {
        _foldedWeight?.Dispose();
        _foldedBias?.Dispose();
        _foldedWeight = _foldedBias = null;
    }

    public override void Dispose()
    {
        Unfold();
        base.Dispose();
    }
}
