namespace RetinaSharp.Tensors.Nn;

/// <summary>Parameter initialisers with torch.nn.init's distributions, drawn from our deterministic generator.</summary>
public static class Init
{
    public static void Normal(Tensor t, RandomGenerator rng, float mean = 0, float std = 1)
    {
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (float)rng.NextNormal(mean, std);
    }

    public static void Uniform(Tensor t, RandomGenerator rng, float low, float high)
    {
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = (float)rng.Uniform(low, high);
    }

    public static void Constant(Tensor t, float value) => t.Data.Fill(value);

    /// <summary>(fan_in, fan_out) of a weight [out, in, k...] as torch computes them.</summary>
    public static (int FanIn, int FanOut) Fans(Tensor weight)
    {
        if (weight.Rank < 2) throw new ArgumentException("Fan in and fan out need a weight of rank ≥ 2.");
        int receptive = 1;
        for (int i = 2; i < weight.Rank; i++) receptive *= weight.Size(i);
        return (weight.Size(1) * receptive, weight.Size(0) * receptive);
    }

    /// <summary>He-uniform: U(±√3·gain/√fan) with gain = √(2 / (1 + a²)) (torch's kaiming_uniform_ for leaky ReLU slope a).</summary>
    public static void KaimingUniform(Tensor weight, RandomGenerator rng, float a = 0, bool fanOut = false)
    {
        var (fi, fo) = Fans(weight);
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        double bound = Math.Sqrt(3.0) * gain / Math.Sqrt(fanOut ? fo : fi);
        Uniform(weight, rng, (float)-bound, (float)bound);
    }

    /// <summary>He-normal: N(0, (√2/√fan)²) for ReLU (torch's kaiming_normal_; torchvision's ResNet uses fan_out).</summary>
    public static void KaimingNormal(Tensor weight, RandomGenerator rng, bool fanOut = false, float a = 0)
    {
        var (fi, fo) = Fans(weight);
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        Normal(weight, rng, 0, (float)(gain / Math.Sqrt(fanOut ? fo : fi)));
    }
}
