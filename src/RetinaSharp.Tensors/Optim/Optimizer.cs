using RetinaSharp.Tensors.Nn;

namespace RetinaSharp.Tensors.Optim;

/// <summary>
/// Base of the optimisers: parameter groups, a learning rate the schedule sets each step, and
/// per-parameter state that can be saved and restored so a resumed run continues exactly.
/// </summary>
public abstract class Optimizer : IDisposable
{
    protected Optimizer(IEnumerable<ParameterGroup> groups, float learningRate)
    {
        Groups = groups.ToList();
        if (Groups.Count == 0) throw new ArgumentException("An optimiser needs at least one parameter group.");
        foreach (var g in Groups)
            foreach (var p in g.Parameters)
                if (p.DType != DType.Float32 || !p.IsContiguous)
                    throw new ArgumentException($"Parameter {p.Name ?? "(unnamed)"} must be a contiguous float32 tensor.");
        LearningRate = learningRate;
    }

    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>The base learning rate for the next step (a schedule typically sets it every iteration).</summary>
    public float LearningRate { get; set; }

    /// <summary>Number of completed steps.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Updates every parameter that has a gradient; parameters without one are skipped, like PyTorch.</summary>
    public void Step()
    {
        using var _ = Autograd.NoGrad();
        StepCount++;
        foreach (var g in Groups)
            foreach (var p in g.Parameters)
                if (p.Grad is { IsDisposed: false } grad)
                    Update(p, grad, g);
    }

    protected abstract void Update(Tensor parameter, Tensor grad, ParameterGroup group);

    /// <summary>
    /// Scales every gradient so that their global L2 norm is at most <paramref name="maxNorm"/>
    /// (torch.nn.utils.clip_grad_norm_ over all groups); returns the norm before clipping.
    /// </summary>
    public double ClipGradNorm(float maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"maxNorm must be positive, got {maxNorm}.");
        double sq = 0;
        foreach (var g in Groups)
            foreach (var p in g.Parameters)
                if (p.Grad is { IsDisposed: false } grad)
                    foreach (var v in grad.Data) sq += (double)v * v;
        double norm = Math.Sqrt(sq);
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var g in Groups)
                foreach (var p in g.Parameters)
                    if (p.Grad is { IsDisposed: false } grad) grad.MulInPlace(scale);
        }
        return norm;
    }

    /// <summary>Drops all gradients (zero_grad with set_to_none).</summary>
    public void ZeroGrad()
    {
        foreach (var g in Groups)
            foreach (var p in g.Parameters)
            {
                p.Grad?.Dispose();
                p.Grad = null;
            }
    }

    /// <summary>The optimiser state as named tensors ("{group}.{index}.{slot}") plus the step count, for checkpoints.</summary>
    public abstract List<KeyValuePair<string, Tensor>> StateDict();

    /// <summary>Restores state saved by <see cref="StateDict"/> (copies the values).</summary>
    public abstract void LoadStateDict(IReadOnlyDictionary<string, Tensor> state);

    protected static string Key(int group, int index, string slot) => $"{group}.{index}.{slot}";

    protected IEnumerable<(int Group, int Index, Tensor Parameter)> Enumerate()
    {
        for (int g = 0; g < Groups.Count; g++)
            for (int i = 0; i < Groups[g].Parameters.Count; i++)
                yield return (g, i, Groups[g].Parameters[i]);
    }

    protected static Tensor StepTensor(long step) => Tensor.FromArray([step], 1);

    protected static long ReadStep(IReadOnlyDictionary<string, Tensor> state) =>
        state.TryGetValue("step", out var s) ? s.ToArray<long>()[0] : throw new StateDictException("Optimiser state has no 'step' entry.");

    public abstract void Dispose();
}
