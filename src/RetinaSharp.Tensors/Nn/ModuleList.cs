namespace RetinaSharp.Tensors.Nn;

/// <summary>A list of child modules named "0", "1", …, like torch.nn.ModuleList.</summary>
public sealed class ModuleList<T> : Module where T : Module
{
    private readonly List<T> _modules = [];

    public ModuleList(IEnumerable<T>? modules = null)
    {
        if (modules != null) foreach (var m in modules) Add(m);
    }

    public int Count => _modules.Count;

    public T this[int index] => _modules[index];

    public void Add(T module)
    {
        RegisterModule(_modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _modules.Add(module);
    }

    public IEnumerator<T> GetEnumerator() => _modules.GetEnumerator();
}
