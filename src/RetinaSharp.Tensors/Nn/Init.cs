namespace RetinaSharp.Tensors.Nn;

/// <summary>
/// Parameter initialisers with torch.nn.init's distributions, drawn from our deterministic
/// <see cref="RandomGenerator"/> (the values differ from torch's generator; the distributions match).
/// They write in place and are not recorded by autograd.
/// </summary>
public static class Init
{
    /// <summary>The generator used when a module is built without one (seed 0; <see cref="ManualSeed"/> resets it).</summary>
    public static RandomGenerator DefaultGenerator { get; private set; } = new(0);

    /// <summary>Restarts <see cref="DefaultGenerator"/> from a seed, like torch.manual_seed for initialisation.</summary>
    public static void ManualSeed(ulong seed) => DefaultGenerator = new RandomGenerator(seed);

    /// <summary>Samples N(mean, std²).</summary>
    public static void Normal(Tensor t, RandomGenerator rng, float mean = 0, float std = 1)
    {
        var d = Target(t);
        for (int i = 0; i < d.Length; i++) d[i] = (float)rng.NextNormal(mean, std);
    }

    /// <summary>Samples N(mean, std²) (torch.nn.init.normal_ argument order; null uses <see cref="DefaultGenerator"/>).</summary>
    public static void Normal(Tensor t, float mean, float std, RandomGenerator? rng = null) => Normal(t, rng ?? DefaultGenerator, mean, std);

    /// <summary>Samples U[low, high).</summary>
    public static void Uniform(Tensor t, RandomGenerator rng, float low = 0, float high = 1)
    {
        var d = Target(t);
        for (int i = 0; i < d.Length; i++) d[i] = (float)rng.Uniform(low, high);
    }

    /// <summary>Samples U[low, high) (torch.nn.init.uniform_ argument order; null uses <see cref="DefaultGenerator"/>).</summary>
    public static void Uniform(Tensor t, float low, float high, RandomGenerator? rng = null) => Uniform(t, rng ?? DefaultGenerator, low, high);

    public static void Constant(Tensor t, float value) => Target(t).Fill(value);

    public static void Zeros(Tensor t) => Constant(t, 0);

    public static void Ones(Tensor t) => Constant(t, 1);

    /// <summary>(fan_in, fan_out) of a weight [out, in, k...] as torch computes them.</summary>
    public static (int FanIn, int FanOut) Fans(Tensor weight)
    {
        if (weight.Rank < 2) throw new ArgumentException($"Fan in and fan out need a weight of rank ≥ 2, got {Tensor.FormatShape(weight.Shape)}.");
        int receptive = 1;
        for (int i = 2; i < weight.Rank; i++) receptive *= weight.Size(i);
        return (weight.Size(1) * receptive, weight.Size(0) * receptive);
    }

    /// <summary>torch's gain for leaky ReLU with negative slope a (a = 0 is ReLU: √2).</summary>
    public static double LeakyReluGain(double a) => Math.Sqrt(2.0 / (1 + a * a));

    /// <summary>
    /// He-uniform (torch's kaiming_uniform_ with nonlinearity 'leaky_relu'): U(±gain·√(3/fan)) with
    /// gain = √(2/(1 + a²)). a = √5 over fan_in gives torch's default Conv2d/Linear weights, U(±1/√fan_in).
    /// </summary>
    public static void KaimingUniform(Tensor weight, RandomGenerator rng, float a = 0, bool fanOut = false)
    {
        var (fi, fo) = Fans(weight);
        double bound = LeakyReluGain(a) * Math.Sqrt(3.0 / Math.Max(1, fanOut ? fo : fi));
        Uniform(weight, rng, (float)-bound, (float)bound);
    }

    /// <summary>
    /// He-normal (torch's kaiming_normal_ with nonlinearity 'leaky_relu', slope a; a = 0 is ReLU):
    /// N(0, (gain/√fan)²). torchvision's ResNet uses fanOut: true with ReLU.
    /// </summary>
    public static void KaimingNormal(Tensor weight, RandomGenerator rng, bool fanOut = false, float a = 0)
    {
        var (fi, fo) = Fans(weight);
        Normal(weight, rng, 0, (float)(LeakyReluGain(a) / Math.Sqrt(Math.Max(1, fanOut ? fo : fi))));
    }

    /// <summary>Glorot-uniform (torch's xavier_uniform_): U(±gain·√(6/(fan_in + fan_out))).</summary>
    public static void XavierUniform(Tensor weight, RandomGenerator rng, float gain = 1)
    {
        var (fi, fo) = Fans(weight);
        double bound = gain * Math.Sqrt(6.0 / Math.Max(1, fi + fo));
        Uniform(weight, rng, (float)-bound, (float)bound);
    }

    private static Span<float> Target(Tensor t)
    {
        if (t.GradFn != null) throw new InvalidOperationException("Initialisers write in place and need a leaf tensor, not a computed one.");
        return t.Data;
    }
}
