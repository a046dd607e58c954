namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// The body of a <see cref="KernelThreads.For{TBody}(int, int, in TBody)"/> loop. Implement it on a
/// struct that carries the loop's operands (pointers, lengths) in fields; one copy of the struct is shared by
/// every thread, so fields must only be read, and writes must go to disjoint memory.
/// </summary>
public interface IParallelRange
{
    /// <summary>Processes the indices [start, end).</summary>
    void Execute(int start, int end);
}
