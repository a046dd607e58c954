namespace RetinaSharp.Tensors;

/// <summary>NumPy/PyTorch broadcasting rules.</summary>
public static class Broadcast
{
    public static int[] Shape(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var s = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"Shapes {Tensor.FormatShape(a)} and {Tensor.FormatShape(b)} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            s[i] = da == 1 ? db : da;
        }
        return s;
    }

    /// <summary>Strides of <paramref name="t"/> viewed at <paramref name="shape"/> (0 where broadcast).</summary>
    internal static int[] StridesFor(Tensor t, ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int lead = shape.Length - t.Rank;
        for (int i = 0; i < shape.Length; i++)
        {
            if (i < lead) { strides[i] = 0; continue; }
            strides[i] = t.Shape[i - lead] == 1 && shape[i] != 1 ? 0 : t.Strides[i - lead];
            if (t.Shape[i - lead] == 1) strides[i] = 0;
        }
        return strides;
    }
}
