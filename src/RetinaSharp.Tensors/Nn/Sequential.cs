namespace RetinaSharp.Tensors.Nn;

/// <summary>Applies its children in order; children are named "0", "1", … like torch.nn.Sequential.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _modules = [];

    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    public int Count => _modules.Count;

    public Module this[int index] => _modules[index];

    public Sequential Add(Module module)
    {
        RegisterModule(_modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _modules.Add(module);
        return this;
    }

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var m in _modules)
        {
            var y = m.Forward(x);
            // Intermediate outputs belong to this call; a recorded graph keeps what backward needs.
            if (!ReferenceEquals(x, input) && !ReferenceEquals(x, y)) x.Dispose();
            x = y;
        }
        return x;
    }
}
