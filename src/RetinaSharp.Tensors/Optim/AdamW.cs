using RetinaSharp.Tensors.Nn;
using System.Numerics.Tensors;

namespace RetinaSharp.Tensors.Optim;

/// <summary>
/// AdamW with PyTorch's exact update: p ← p·(1 − lr·wd); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
/// p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly Dictionary<Tensor, (Tensor M, Tensor V)> _state = new(ReferenceEqualityComparer.Instance);
    private float[] _scratch = [];

    public AdamW(IEnumerable<ParameterGroup> groups, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
        : base(groups, learningRate)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    public AdamW(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 1e-2f)
        : this([new ParameterGroup(parameters.ToList())], learningRate, beta1, beta2, eps, weightDecay) { }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Eps { get; }
    public float WeightDecay { get; }

    protected override void Update(Tensor parameter, Tensor grad, ParameterGroup group)
    {
        var p = parameter.Data;
        var g = grad.Data;
        float lr = LearningRate * group.LearningRateScale;
        float wd = group.WeightDecay ?? WeightDecay;
        if (!_state.TryGetValue(parameter, out var st))
        {
            st = (Tensor.Zeros(parameter.Shape).DetachFromScope(), Tensor.Zeros(parameter.Shape).DetachFromScope());
            _state[parameter] = st;
        }
        var m = st.M.Data;
        var v = st.V.Data;
        if (wd != 0) TensorPrimitives.Multiply(p, 1 - lr * wd, p);
        // m ← β₁m + (1 − β₁)g, written as m + (g − m)(1 − β₁) like torch's lerp.
        if (_scratch.Length < p.Length) _scratch = new float[p.Length];
        var t = _scratch.AsSpan(0, p.Length);
        TensorPrimitives.Subtract(g, m, t);
        TensorPrimitives.MultiplyAdd(t, 1 - Beta1, m, m);
        TensorPrimitives.Multiply(v, Beta2, v);
        TensorPrimitives.Multiply(g, g, t);
        TensorPrimitives.MultiplyAdd(t, 1 - Beta2, v, v);
        long step = StepCount;
        float bc1 = 1 - MathF.Pow(Beta1, step);
        float bc2Sqrt = MathF.Sqrt(1 - MathF.Pow(Beta2, step));
        float stepSize = lr / bc1;
        TensorPrimitives.Sqrt(v, t);
        TensorPrimitives.Divide(t, bc2Sqrt, t);
        TensorPrimitives.Add(t, Eps, t);
        TensorPrimitives.Divide(m, t, t);
        TensorPrimitives.MultiplyAdd(t, -stepSize, p, p);
    }

    public override List<KeyValuePair<string, Tensor>> StateDict()
    {
        var list = new List<KeyValuePair<string, Tensor>> { new("step", StepTensor(StepCount).DetachFromScope()) };
        foreach (var (g, i, p) in Enumerate())
            if (_state.TryGetValue(p, out var st))
            {
                list.Add(new(Key(g, i, "exp_avg"), st.M));
                list.Add(new(Key(g, i, "exp_avg_sq"), st.V));
            }
        return list;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        StepCount = ReadStep(state);
        foreach (var (g, i, p) in Enumerate())
        {
            if (!state.TryGetValue(Key(g, i, "exp_avg"), out var m) || !state.TryGetValue(Key(g, i, "exp_avg_sq"), out var v)) continue;
            if (!m.SameShape(p) || !v.SameShape(p)) throw new StateDictException($"AdamW state for parameter {g}.{i} does not match its shape {Tensor.FormatShape(p.Shape)}.");
            if (!_state.TryGetValue(p, out var st))
                _state[p] = st = (Tensor.Zeros(p.Shape).DetachFromScope(), Tensor.Zeros(p.Shape).DetachFromScope());
            st.M.CopyFrom(m);
            st.V.CopyFrom(v);
        }
    }

    public override void Dispose()
    {
        foreach (var (m, v) in _state.Values) { m.Dispose(); v.Dispose(); }
        _state.Clear();
    }
}
