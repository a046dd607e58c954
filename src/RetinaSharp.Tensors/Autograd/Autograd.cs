namespace RetinaSharp.Tensors;

/// <summary>Global switches of the autograd recorder (per thread).</summary>
public static class Autograd
{
    [ThreadStatic] private static int _noGradDepth;

    /// <summary>True unless inside a <see cref="NoGrad"/> block on this thread.</summary>
    public static bool IsEnabled => _noGradDepth == 0;

    /// <summary>Inference mode: ops inside the returned block record nothing (like torch.no_grad()).</summary>
    public static NoGradBlock NoGrad()
    {
        _noGradDepth++;
        return new NoGradBlock();
    }

    public readonly struct NoGradBlock : IDisposable
    {
        public void Dispose() => _noGradDepth--;
    }

    /// <summary>Whether an op on these inputs must be recorded.</summary>
    public static bool NeedsGrad(Tensor a) => IsEnabled && a.RequiresGrad;

    public static bool NeedsGrad(Tensor a, Tensor b) => IsEnabled && (a.RequiresGrad || b.RequiresGrad);

    public static bool NeedsGrad(ReadOnlySpan<Tensor> inputs)
    {
        if (!IsEnabled) return false;
        foreach (var t in inputs)
            if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>
    /// Records <paramref name="output"/> as computed from <paramref name="inputs"/> when any of them
    /// requires grad (and recording is on), and returns it. The backward function receives the
    /// output's gradient and fills the gradients of the inputs that require grad.
    /// </summary>
    /// <param name="owned">Extra tensors the backward function uses (saved intermediates); disposed when the node is released.</param>
    public static Tensor Record(Tensor output, string name, Tensor[] inputs, BackwardFunction backward, params Tensor[]? owned)
    {
        if (OpProfiler.Enabled) OpProfiler.Forward(name);
        if (NeedsGrad(inputs))
        {
            if (owned != null) foreach (var t in owned) t.DetachFromScope();
            output.GradFn = new GradNode(name, inputs, backward, output, owned is { Length: > 0 } ? owned : null);
        }
        else if (owned != null)
        {
            foreach (var t in owned) t.Dispose();
        }
        return output;
    }

    /// <summary>
    /// Frees the graph behind <paramref name="root"/> without a backward pass (e.g. when a step is
    /// skipped because its loss is not finite), releasing the memory its nodes keep alive.
    /// </summary>
    public static void ReleaseGraph(Tensor root)
    {
        if (root.GradFn == null) return;
        var stack = new Stack<GradNode>();
        var seen = new HashSet<GradNode>(ReferenceEqualityComparer.Instance);
        stack.Push(root.GradFn);
        seen.Add(root.GradFn);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            foreach (var input in node.Inputs)
                if (input.GradFn is { } child && seen.Add(child)) stack.Push(child);
            node.Release();
        }
    }
}
