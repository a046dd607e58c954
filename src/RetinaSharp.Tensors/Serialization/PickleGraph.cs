namespace RetinaSharp.Tensors.Serialization;

/// <summary>
/// Walks the object graph an unpickled file describes. The walk keeps its own stack, so nesting cannot
/// overflow the thread's; it enters each container once, so a container shared along many paths
/// costs no more than one; and it refuses cycles and very deep nesting, which no checkpoint has and
/// which would send any caller that recurses over the result into a stack overflow.
/// </summary>
internal static class PickleGraph
{
    /// <summary>Deepest nesting of containers accepted; state dicts and training checkpoints need a handful.</summary>
    public const int MaxDepth = 1000;

    private sealed class Frame(object container, List<object> children)
    {
        public object Container { get; } = container;
        public List<object> Children { get; } = children;
        public int Next { get; set; }
    }

    /// <summary>
    /// Replaces every value held by a container (and <paramref name="root"/> itself, if it is no
    /// container) by what <paramref name="leaf"/> returns for it; dict keys are left alone.
    /// </summary>
    public static object? Transform(object? root, Func<object?, object?> leaf, string source)
    {
        if (root is null || !IsContainer(root)) return leaf(root);
        // true while the container is on the current path, false once everything below it is done.
        var onPath = new Dictionary<object, bool>(ReferenceEqualityComparer.Instance);
        var path = new Stack<Frame>();
        onPath[root] = true;
        path.Push(new Frame(root, Visit(root, leaf)));
        while (path.Count > 0)
        {
            var top = path.Peek();
            if (top.Next == top.Children.Count)
            {
                onPath[top.Container] = false;
                path.Pop();
                continue;
            }
            var child = top.Children[top.Next++];
            if (onPath.TryGetValue(child, out bool active))
            {
                if (active)
                    throw new CheckpointFormatException($"{source}: the pickled data has a {Describe(child)} that holds itself; checkpoints are trees of containers, never cycles.");
                continue;
            }
            if (path.Count >= MaxDepth)
                throw new CheckpointFormatException($"{source}: the pickled data nests containers deeper than {MaxDepth} levels.");
            onPath[child] = true;
            path.Push(new Frame(child, Visit(child, leaf)));
        }
        return root;
    }

    private static bool IsContainer(object o) => o is Dictionary<object, object?> or List<object?> or PickleTuple or PickleObject;

    private static string Describe(object o) => o switch
    {
        Dictionary<object, object?> => "dict",
        List<object?> => "list",
        PickleTuple => "tuple",
        PickleObject po => po.Type.FullName,
        _ => o.GetType().Name,
    };

    /// <summary>Passes the container's plain values through <paramref name="leaf"/> and returns the containers it holds.</summary>
    private static List<object> Visit(object container, Func<object?, object?> leaf)
    {
        var children = new List<object>();
        switch (container)
        {
            case Dictionary<object, object?> d:
                List<KeyValuePair<object, object?>>? changed = null;
                foreach (var (k, v) in d)
                {
                    if (v is not null && IsContainer(v))
                    {
                        children.Add(v);
                        continue;
                    }
                    var r = leaf(v);
                    if (!ReferenceEquals(r, v)) (changed ??= []).Add(new(k, r));
                }
                if (changed != null)
                    foreach (var (k, v) in changed) d[k] = v;
                break;
            case List<object?> l:
                Slots(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(l), leaf, children);
                break;
            case PickleTuple t:
                Slots(t.Items, leaf, children);
                break;
            case PickleObject po:
                Slots(po.Args, leaf, children);
                if (po.State is not null && IsContainer(po.State)) children.Add(po.State);
                else po.State = leaf(po.State);
                break;
        }
        return children;
    }

    private static void Slots(Span<object?> slots, Func<object?, object?> leaf, List<object> children)
    {
        for (int i = 0; i < slots.Length; i++)
        {
            var v = slots[i];
            if (v is not null && IsContainer(v)) children.Add(v);
            else slots[i] = leaf(v);
        }
    }
}
