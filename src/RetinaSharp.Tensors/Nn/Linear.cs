namespace RetinaSharp.Tensors.Nn;

/// <summary>
/// Fully connected layer y = x·Wᵀ + b, as torch.nn.Linear: "weight" [out, in] and optional "bias"
/// [out], both U(±1/√in) like torch's defaults.
/// </summary>
public sealed class Linear : Module
{
    public Linear(int inFeatures, int outFeatures, bool bias = true, RandomGenerator? rng = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentException($"Invalid Linear({inFeatures}, {outFeatures}).");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        rng ??= Init.DefaultGenerator;
        Weight = RegisterParameter("weight", Tensor.Zeros([outFeatures, inFeatures]));
        Init.KaimingUniform(Weight, rng, MathF.Sqrt(5));
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros([outFeatures]));
            float bound = 1f / MathF.Sqrt(inFeatures);
            Init.Uniform(Bias, rng, -bound, bound);
        }
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
