namespace RetinaSharp.Tensors.Nn;

/// <summary>
/// Base of every layer and model, as torch.nn.Module: named parameters, buffers and child modules
/// whose dotted names ("layer1.0.conv1.weight") match PyTorch state dicts one to one.
/// Parameters and buffers are owned by the module (outside any <see cref="TensorScope"/>) and
/// disposed with it.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Value)> _parameters = [];
    private readonly List<(string Name, Tensor Value, bool Persistent)> _buffers = [];
    private readonly List<(string Name, Module Value)> _children = [];

    /// <summary>Training mode (batch norm statistics update, dropout active) versus evaluation.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Applies the module to one tensor. Modules with other signatures expose their own Forward.</summary>
    public virtual Tensor Forward(Tensor input) =>
        throw new NotSupportedException($"{GetType().Name} does not take a single tensor input.");

    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        value.DetachFromScope();
        value.RequiresGrad = true;
        value.Name ??= name;
        _parameters.Add((name, value));
        return value;
    }

    protected Tensor RegisterBuffer(string name, Tensor value, bool persistent = true)
    {
        CheckName(name);
        value.DetachFromScope();
        value.Name ??= name;
        _buffers.Add((name, value, persistent));
        return value;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"Invalid member name '{name}': it must be non-empty and contain no dot.");
        foreach (var p in _parameters) if (p.Name == name) throw new ArgumentException($"'{name}' is already a parameter of {GetType().Name}.");
        foreach (var b in _buffers) if (b.Name == name) throw new ArgumentException($"'{name}' is already a buffer of {GetType().Name}.");
        foreach (var c in _children) if (c.Name == name) throw new ArgumentException($"'{name}' is already a child of {GetType().Name}.");
    }

    /// <summary>Replaces a registered parameter or buffer tensor (e.g. after folding batch norm), disposing the old one.</summary>
    protected void ReplaceTensor(string name, Tensor value)
    {
        for (int i = 0; i < _parameters.Count; i++)
        {
            if (_parameters[i].Name != name) continue;
            _parameters[i].Value.Dispose();
            value.DetachFromScope();
            value.RequiresGrad = true;
            _parameters[i] = (name, value);
            return;
        }
        for (int i = 0; i < _buffers.Count; i++)
        {
            if (_buffers[i].Name != name) continue;
            _buffers[i].Value.Dispose();
            value.DetachFromScope();
            _buffers[i] = (name, value, _buffers[i].Persistent);
            return;
        }
        throw new ArgumentException($"{GetType().Name} has no parameter or buffer '{name}'.");
    }

    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var c in _children) yield return c;
    }

    /// <summary>This module and all descendants, with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in _children)
            foreach (var m in child.NamedModules(Join(prefix, name)))
                yield return m;
    }

    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "", bool recurse = true)
    {
        foreach (var (name, p) in _parameters) yield return (Join(prefix, name), p);
        if (!recurse) yield break;
        foreach (var (name, child) in _children)
            foreach (var p in child.NamedParameters(Join(prefix, name)))
                yield return p;
    }

    public IEnumerable<Tensor> Parameters()
    {
        foreach (var (_, p) in NamedParameters()) yield return p;
    }

    /// <summary>Parameters with RequiresGrad set (what an optimiser should update).</summary>
    public List<Tensor> TrainableParameters()
    {
        var list = new List<Tensor>();
        foreach (var (_, p) in NamedParameters()) if (p.RequiresGrad) list.Add(p);
        return list;
    }

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool persistentOnly = false)
    {
        foreach (var (name, b, persistent) in _buffers)
            if (persistent || !persistentOnly) yield return (Join(prefix, name), b);
        foreach (var (name, child) in _children)
            foreach (var b in child.NamedBuffers(Join(prefix, name), persistentOnly))
                yield return b;
    }

    /// <summary>
    /// Parameters and persistent buffers by dotted name, in PyTorch's order (each module's own
    /// parameters, then its buffers, then its children). The tensors are the module's own, not copies.
    /// </summary>
    public List<KeyValuePair<string, Tensor>> StateDict()
    {
        var list = new List<KeyValuePair<string, Tensor>>();
        CollectState("", list);
        return list;
    }

    private void CollectState(string prefix, List<KeyValuePair<string, Tensor>> list)
    {
        foreach (var (name, p) in _parameters) list.Add(new(Join(prefix, name), p));
        foreach (var (name, b, persistent) in _buffers) if (persistent) list.Add(new(Join(prefix, name), b));
        foreach (var (name, child) in _children) child.CollectState(Join(prefix, name), list);
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's parameters and buffers.
    /// With <paramref name="strict"/>, a missing or unexpected key is an error; a shape mismatch always is.
    /// </summary>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var missing = new List<string>();
        var ownNames = new HashSet<string>();
        var mismatched = new List<string>();
        foreach (var (name, target) in own)
        {
            ownNames.Add(name);
            if (!state.TryGetValue(name, out var source)) { missing.Add(name); continue; }
            if (!source.SameShape(target))
                mismatched.Add($"{name}: checkpoint has {Tensor.FormatShape(source.Shape)}, model has {Tensor.FormatShape(target.Shape)}");
        }
        var unexpected = new List<string>();
        foreach (var key in state.Keys) if (!ownNames.Contains(key)) unexpected.Add(key);
        if (mismatched.Count > 0)
            throw new StateDictException("Shape mismatch for " + string.Join("; ", mismatched) + ".");
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add("missing keys: " + string.Join(", ", missing));
            if (unexpected.Count > 0) parts.Add("unexpected keys: " + string.Join(", ", unexpected));
            throw new StateDictException("Error loading state dict: " + string.Join("; ", parts) + ".");
        }
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var source)) continue;
            if (source.DType != target.DType)
                throw new StateDictException($"{name}: checkpoint has dtype {source.DType}, model has {target.DType}.");
            target.CopyFrom(source);
        }
        return new LoadStateDictResult(missing, unexpected);
    }

    public virtual void Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, child) in _children) child.Train(mode);
    }

    public void Eval() => Train(false);

    /// <summary>Sets RequiresGrad on every parameter (freezing or unfreezing the module).</summary>
    public void SetRequiresGrad(bool requiresGrad)
    {
        foreach (var (_, p) in NamedParameters())
        {
            p.RequiresGrad = requiresGrad;
            if (!requiresGrad) { p.Grad?.Dispose(); p.Grad = null; }
        }
    }

    /// <summary>Drops the accumulated gradients (PyTorch's zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in NamedParameters())
        {
            p.Grad?.Dispose();
            p.Grad = null;
        }
    }

    public long ParameterCount()
    {
        long n = 0;
        foreach (var (_, p) in NamedParameters()) n += p.NumElements;
        return n;
    }

    public virtual void Dispose()
    {
        foreach (var (_, p) in _parameters) { p.Grad?.Dispose(); p.Dispose(); }
        foreach (var (_, b, _) in _buffers) b.Dispose();
        foreach (var (_, c) in _children) c.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}

public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

/// <summary>A state dict does not fit a model: missing, unexpected or mis-shaped keys.</summary>
public sealed class StateDictException(string message) : Exception(message);
