namespace RetinaSharp.Tensors.Nn;

/// <summary>Fully connected layer y = x·Wᵀ + b ("weight" [out, in], "bias" [out]), initialised as torch.nn.Linear.</summary>
public sealed class Linear : Module
{
    public Linear(int inFeatures, int outFeatures, bool bias = true, RandomGenerator? rng = null)
    {
        rng ??= new RandomGenerator(0);
        Weight = RegisterParameter("weight", Tensor.Zeros([outFeatures, inFeatures]));
        Init.KaimingUniform(Weight, rng, MathF.Sqrt(5));
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros([outFeatures]));
            float bound = 1f / MathF.Sqrt(inFeatures);
            Init.Uniform(Bias, rng, -bound, bound);
        }
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
