namespace RetinaSharp.Tensors;

/// <summary>Computes the gradients of an op's inputs from the gradient of its output.</summary>
/// <param name="gradOutput">dL/d(output), same shape as the output.</param>
/// <param name="gradInputs">To fill: dL/d(input i), same shape as input i, for each input that requires grad (leave others null).</param>
public delegate void BackwardFunction(Tensor gradOutput, Tensor?[] gradInputs);

/// <summary>A recorded operation in the autograd graph: its inputs and how to differentiate it.</summary>
public sealed class GradNode
{
    private BackwardFunction? _backward;

    private Tensor? _output;
    private Tensor[]? _owned;

    internal GradNode(string name, Tensor[] inputs, BackwardFunction backward, Tensor output, Tensor[]? owned)
    {
        Name = name;
        Inputs = inputs;
        _backward = backward;
        OutputShape = output.Shape.ToArray();
        // Backward functions read their inputs and output: keep that memory alive until the node is released.
        foreach (var t in inputs) t.Pin();
        output.Pin();
        _output = output;
        _owned = owned;
    }

    public string Name { get; }

    internal Tensor[] Inputs { get; private set; }

    internal int[] OutputShape { get; }

    /// <summary>Gradient of the node's output, summed over all consumers, during a backward pass.</summary>
    internal Tensor? GradAccumulator { get; set; }

    internal bool IsReleased => _backward == null;

    internal void Run(Tensor gradOutput, Tensor?[] gradInputs)
    {
        var fn = _backward ?? throw new InvalidOperationException(
            $"The graph through '{Name}' was already used by a backward pass; pass retainGraph: true to differentiate twice.");
        fn(gradOutput, gradInputs);
    }

    /// <summary>Drops the saved tensors and closure so their memory can go.</summary>
    internal void Release()
    {
        if (_backward == null) return;
        _backward = null;
        foreach (var t in Inputs) t.Unpin();
        _output?.Unpin();
        _output = null;
        if (_owned != null) foreach (var t in _owned) t.Dispose();
        _owned = null;
        Inputs = [];
    }

    public override string ToString() => $"GradNode({Name})";
}
