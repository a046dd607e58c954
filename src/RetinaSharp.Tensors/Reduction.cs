namespace RetinaSharp.Tensors;

/// <summary>How a loss reduces its per-element values (torch's reduction='none' | 'sum' | 'mean').</summary>
public enum Reduction
{
    None,
    Sum,
    Mean,
}
