namespace RetinaSharp.Tensors.Optim;

/// <summary>
/// A learning rate as a pure function of the iteration, so a resumed run gets exactly the same
/// rates: base · warmup factor · decay factor.
/// </summary>
public abstract class LearningRateSchedule
{
    protected LearningRateSchedule(float baseLearningRate, int warmupIterations, float warmupStartFactor)
    {
        if (warmupIterations < 0) throw new ArgumentOutOfRangeException(nameof(warmupIterations));
        if (warmupStartFactor is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(warmupStartFactor), "The warmup start factor must be in (0, 1].");
        BaseLearningRate = baseLearningRate;
        WarmupIterations = warmupIterations;
        WarmupStartFactor = warmupStartFactor;
    }

    public float BaseLearningRate { get; }
    public int WarmupIterations { get; }
    public float WarmupStartFactor { get; }

    /// <summary>The learning rate for the step at <paramref name="iteration"/> (0-based).</summary>
    public float At(long iteration) => (float)(BaseLearningRate * WarmupFactor(iteration) * DecayFactor(iteration));

    /// <summary>Linear warmup (torch's LinearLR, Detectron's linear warmup): from the start factor up to 1.</summary>
    public double WarmupFactor(long iteration)
    {
        if (WarmupIterations == 0 || iteration >= WarmupIterations) return 1;
        double alpha = (double)iteration / WarmupIterations;
        return WarmupStartFactor * (1 - alpha) + alpha;
    }

    protected abstract double DecayFactor(long iteration);
}

/// <summary>Multiplies the rate by γ at each milestone (torch's MultiStepLR), after an optional warmup.</summary>
public sealed class MultiStepSchedule : LearningRateSchedule
{
    private readonly long[] _milestones;

    public MultiStepSchedule(float baseLearningRate, IEnumerable<long> milestones, float gamma = 0.1f, int warmupIterations = 0, float warmupStartFactor = 1f / 3)
        : base(baseLearningRate, warmupIterations, warmupStartFactor)
    {
        _milestones = milestones.Order().ToArray();
        Gamma = gamma;
    }

    public IReadOnlyList<long> Milestones => _milestones;
    public float Gamma { get; }

    protected override double DecayFactor(long iteration)
    {
        int passed = 0;
        foreach (var m in _milestones) if (iteration >= m) passed++;
        return Math.Pow(Gamma, passed);
    }
}

/// <summary>
/// Cosine decay from the base rate to <c>MinFactor · base</c> over the run (torch's CosineAnnealingLR
/// for the first half period); past the end it holds the minimum instead of rising again.
/// </summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    public CosineSchedule(float baseLearningRate, long totalIterations, float minFactor = 0, int warmupIterations = 0, float warmupStartFactor = 1f / 3)
        : base(baseLearningRate, warmupIterations, warmupStartFactor)
    {
        if (totalIterations <= 0) throw new ArgumentOutOfRangeException(nameof(totalIterations));
        TotalIterations = totalIterations;
        MinFactor = minFactor;
    }

    public long TotalIterations { get; }
    public float MinFactor { get; }

    protected override double DecayFactor(long iteration)
    {
        double t = Math.Min(iteration, TotalIterations);
        return MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * t / TotalIterations));
    }
}

/// <summary>A constant rate after an optional warmup.</summary>
public sealed class ConstantSchedule(float baseLearningRate, int warmupIterations = 0, float warmupStartFactor = 1f / 3)
    : LearningRateSchedule(baseLearningRate, warmupIterations, warmupStartFactor)
{
    protected override double DecayFactor(long iteration) => 1;
}
