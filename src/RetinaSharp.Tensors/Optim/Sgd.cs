using RetinaSharp.Tensors.Nn;
using System.Numerics.Tensors;

namespace RetinaSharp.Tensors.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch's exact update: g ← g + wd·p; with momentum μ,
/// b ← g on the first step, else b ← μ·b + (1 − dampening)·g; g ← g + μ·b (Nesterov) or b; p ← p − lr·g.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Dictionary<Tensor, Tensor> _momentum = new(ReferenceEqualityComparer.Instance);
    private float[] _scratch = [];

    public Sgd(IEnumerable<ParameterGroup> groups, float learningRate, float momentum = 0, float weightDecay = 0, float dampening = 0, bool nesterov = false)
        : base(groups, learningRate)
    {
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening.");
        Momentum = momentum;
        WeightDecay = weightDecay;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    public Sgd(IEnumerable<Tensor> parameters, float learningRate, float momentum = 0, float weightDecay = 0, float dampening = 0, bool nesterov = false)
        : this([new ParameterGroup(parameters.ToList())], learningRate, momentum, weightDecay, dampening, nesterov) { }

    public float Momentum { get; }
    public float WeightDecay { get; }
    public float Dampening { get; }
    public bool Nesterov { get; }

    protected override void Update(Tensor parameter, Tensor grad, ParameterGroup group)
    {
        var p = parameter.Data;
        var gsrc = grad.Data;
        if (_scratch.Length < p.Length) _scratch = new float[p.Length];
        var g = _scratch.AsSpan(0, p.Length);
        float wd = group.WeightDecay ?? WeightDecay;
        if (wd != 0) TensorPrimitives.MultiplyAdd(p, wd, gsrc, g);
        else gsrc.CopyTo(g);
        if (Momentum != 0)
        {
            if (!_momentum.TryGetValue(parameter, out var buf))
            {
                buf = Tensor.FromArray(g, parameter.Shape.ToArray()).DetachFromScope();
                _momentum[parameter] = buf;
            }
            else
            {
                var b = buf.Data;
                TensorPrimitives.Multiply(b, Momentum, b);
                TensorPrimitives.MultiplyAdd(g, 1 - Dampening, b, b);
            }
            if (Nesterov) TensorPrimitives.MultiplyAdd(buf.Data, Momentum, g, g);
            else buf.Data.CopyTo(g);
        }
        TensorPrimitives.MultiplyAdd(g, -LearningRate * group.LearningRateScale, p, p);
    }

    public override List<KeyValuePair<string, Tensor>> StateDict()
    {
        var list = new List<KeyValuePair<string, Tensor>> { new("step", StepTensor(StepCount).DetachFromScope()) };
        foreach (var (g, i, p) in Enumerate())
            if (_momentum.TryGetValue(p, out var buf))
                list.Add(new(Key(g, i, "momentum_buffer"), buf));
        return list;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        StepCount = ReadStep(state);
        foreach (var (g, i, p) in Enumerate())
        {
            if (!state.TryGetValue(Key(g, i, "momentum_buffer"), out var src)) continue;
            if (!src.SameShape(p)) throw new StateDictException($"Momentum buffer {Key(g, i, "momentum_buffer")} has shape {Tensor.FormatShape(src.Shape)}, parameter has {Tensor.FormatShape(p.Shape)}.");
            if (!_momentum.TryGetValue(p, out var buf)) _momentum[p] = buf = Tensor.Zeros(p.Shape).DetachFromScope();
            buf.CopyFrom(src);
        }
    }

    public override void Dispose()
    {
        foreach (var b in _momentum.Values) b.Dispose();
        _momentum.Clear();
    }
}
