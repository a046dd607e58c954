namespace RetinaSharp.Tensors.Nn;

/// <summary>Returns its input (as a new tensor object over the same memory, so callers may dispose it independently).</summary>
public sealed class Identity : Module
{
    public override Tensor Forward(Tensor input) => input.Alias();
}
