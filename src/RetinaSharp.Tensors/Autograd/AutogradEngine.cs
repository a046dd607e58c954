using System.Numerics.Tensors;

namespace RetinaSharp.Tensors;

/// <summary>Runs the backward pass: reverse topological order over the recorded graph.</summary>
internal static class AutogradEngine
{
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward() on a tensor that does not require grad: no input of its computation requires gradients (or it was computed under NoGrad).");
        Tensor seed;
        if (gradient == null)
        {
            if (root.NumElements != 1)
                throw new InvalidOperationException($"Backward() without a gradient needs a single-element tensor, got {Tensor.FormatShape(root.Shape)}.");
            seed = Tensor.Ones(root.Shape);
        }
        else
        {
            if (!gradient.SameShape(root))
                throw new ArgumentException($"Gradient shape {Tensor.FormatShape(gradient.Shape)} does not match tensor shape {Tensor.FormatShape(root.Shape)}.");
            seed = gradient.Contiguous();
        }

        if (root.GradFn == null)
        {
            AccumulateLeaf(root, seed);
            return;
        }

        var order = TopologicalOrder(root.GradFn);
        root.GradFn.GradAccumulator = seed;
        using var _ = Autograd.NoGrad();
        foreach (var node in order)
        {
            var gradOut = node.GradAccumulator;
            node.GradAccumulator = null;
            if (gradOut == null) continue;
            var inputs = node.Inputs;
            var gradIns = new Tensor?[inputs.Length];
            long t0 = OpProfiler.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            node.Run(gradOut, gradIns);
            if (OpProfiler.Enabled) OpProfiler.Backward(node.Name, System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds);
            for (int i = 0; i < inputs.Length; i++)
            {
                var g = gradIns[i];
                if (g == null) continue;
                var input = inputs[i];
                if (!input.RequiresGrad) { g.Dispose(); continue; }
                if (!g.Shape.SequenceEqual(input.Shape))
                    throw new InvalidOperationException($"Backward of '{node.Name}' produced a gradient of shape {Tensor.FormatShape(g.Shape)} for input {i} of shape {Tensor.FormatShape(input.Shape)}.");
                if (input.GradFn != null)
                {
                    var acc = input.GradFn.GradAccumulator;
                    if (acc == null) input.GradFn.GradAccumulator = g;
                    else
                    {
                        input.GradFn.GradAccumulator = acc.Add(g);
                        acc.Dispose();
                        g.Dispose();
                    }
                }
                else
                {
                    AccumulateLeaf(input, g);
                }
            }
            gradOut.Dispose();
            if (!retainGraph) node.Release();
        }
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor g)
    {
        if (leaf.Grad == null || leaf.Grad.IsDisposed)
        {
            var copy = Tensor.Allocate(leaf.Shape, DType.Float32, zero: false, track: false);
            g.CopyTo(copy);
            leaf.Grad = copy;
        }
        else
        {
            if (g.IsContiguous) TensorPrimitives.Add(leaf.Grad.Data, g.Data, leaf.Grad.Data);
            else
            {
                using var gc = g.Contiguous();
                TensorPrimitives.Add(leaf.Grad.Data, gc.Data, leaf.Grad.Data);
            }
        }
        g.Dispose();
    }

    /// <summary>Nodes ordered so that every node comes before the nodes of its inputs.</summary>
    private static List<GradNode> TopologicalOrder(GradNode root)
    {
        var visited = new HashSet<GradNode>(ReferenceEqualityComparer.Instance);
        var postOrder = new List<GradNode>();
        var stack = new Stack<(GradNode Node, int Next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (node.IsReleased)
                throw new InvalidOperationException($"The graph through '{node.Name}' was already used by a backward pass; pass retainGraph: true to differentiate twice.");
            var inputs = node.Inputs;
            bool pushed = false;
            for (int i = next; i < inputs.Length; i++)
            {
                var child = inputs[i].GradFn;
                if (child != null && visited.Add(child))
                {
                    stack.Push((node, i + 1));
                    stack.Push((child, 0));
                    pushed = true;
                    break;
                }
            }
            if (!pushed) postOrder.Add(node);
        }
        postOrder.Reverse();
        return postOrder;
    }
}
