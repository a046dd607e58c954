namespace RetinaSharp.Tensors;

/// <summary>How a loss reduces its per-element values.</summary>
public enum Reduction
{
    None,
    Sum,
    Mean,
}
