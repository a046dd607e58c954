namespace RetinaSharp.Tensors;

public sealed unsafe partial class Tensor
{
    private Tensor MakeView(int[] shape, int[] strides, long offset)
    {
        Storage.AddRef();
        return new Tensor(Storage, offset, shape, strides, DType);
    }

    /// <summary>Copies this tensor's values into <paramref name="destination"/> (same shape, any strides). Not recorded by autograd.</summary>
    public void CopyTo(Tensor destination) => StridedCopy.Copy(this, destination);

    /// <summary>This tensor if already contiguous (as a new view object), else a contiguous copy.</summary>
    public Tensor Contiguous()
    {
        if (IsContiguous) return Alias();
        var t = Allocate(_shape, DType);
        StridedCopy.Copy(this, t);
        return Autograd.Record(t, "contiguous", [this], (g, gi) => gi[0] = g.Alias());
    }

    /// <summary>A new tensor object over the same data with the same autograd history.</summary>
    internal Tensor Alias()
    {
        var v = MakeView(_shape, _strides, Offset);
        return Autograd.Record(v, "alias", [this], (g, gi) => gi[0] = g.Alias());
    }

    /// <summary>
    /// The same elements in a new shape (one dimension may be −1). A view when the layout allows,
    /// else a copy.
    /// </summary>
    public Tensor Reshape(params ReadOnlySpan<int> shape)
    {
        var newShape = InferShape(shape, NumElements);
        var inShape = _shape;
        Tensor result;
        if (IsContiguous) result = MakeView(newShape, ContiguousStrides(newShape), Offset);
        else
        {
            using var c = Contiguous();
            result = c.MakeView(newShape, ContiguousStrides(newShape), c.Offset);
        }
        return Autograd.Record(result, "reshape", [this], (g, gi) => gi[0] = g.Reshape(inShape));
    }

    /// <summary>Same as <see cref="Reshape"/>.</summary>
    public Tensor View(params ReadOnlySpan<int> shape) => Reshape(shape);

    /// <summary>Flattens dimensions start..end into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = NormalizeDim(startDim, Rank), e = NormalizeDim(endDim, Rank);
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(_shape[i]);
        int m = 1;
        for (int i = s; i <= e; i++) m *= _shape[i];
        shape.Add(m);
        for (int i = e + 1; i < Rank; i++) shape.Add(_shape[i]);
        return Reshape(shape.ToArray());
    }

    private static int[] InferShape(ReadOnlySpan<int> shape, long numel)
    {
        var s = shape.ToArray();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException("Only one dimension can be -1 in a reshape.");
                infer = i;
            }
            else if (s[i] < 0) throw new ArgumentException($"Invalid dimension {s[i]} in reshape.");
            else known *= s[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0) throw new ArgumentException($"Cannot reshape {numel} elements into {FormatShape(shape)}.");
            s[infer] = (int)(numel / known);
        }
        else if (known != numel) throw new ArgumentException($"Cannot reshape {numel} elements into {FormatShape(shape)}.");
        return s;
    }

    /// <summary>Reorders dimensions (a view).</summary>
    public Tensor Permute(params ReadOnlySpan<int> dims)
    {
        if (dims.Length != Rank) throw new ArgumentException($"Permute needs {Rank} dimensions, got {dims.Length}.");
        var shape = new int[Rank];
        var strides = new int[Rank];
        var inverse = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = NormalizeDim(dims[i], Rank);
            if (seen[d]) throw new ArgumentException($"Dimension {d} repeated in permute.");
            seen[d] = true;
            shape[i] = _shape[d];
            strides[i] = _strides[d];
            inverse[d] = i;
        }
        var v = MakeView(shape, strides, Offset);
        return Autograd.Record(v, "permute", [this], (g, gi) => gi[0] = g.Permute(inverse));
    }

    public Tensor Transpose(int dim0, int dim1)
    {
        var dims = new int[Rank];
        for (int i = 0; i < Rank; i++) dims[i] = i;
        int a = NormalizeDim(dim0, Rank), b = NormalizeDim(dim1, Rank);
        (dims[a], dims[b]) = (dims[b], dims[a]);
        return Permute(dims);
    }

    /// <summary>Elements start..start+length−1 along <paramref name="dim"/> (a view).</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = NormalizeDim(dim, Rank);
        if (start < 0 || length < 0 || start + length > _shape[d])
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow({dim}, {start}, {length}) is outside dimension of size {_shape[d]}.");
        var shape = _shape.ToArray();
        shape[d] = length;
        var v = MakeView(shape, _strides.ToArray(), Offset + (long)start * _strides[d]);
        var inShape = _shape;
        return Autograd.Record(v, "narrow", [this], (g, gi) =>
        {
            var full = Zeros(inShape);
            using (var slot = full.NarrowNoGrad(d, start, length)) g.CopyTo(slot);
            gi[0] = full;
        });
    }

    internal Tensor NarrowNoGrad(int d, int start, int length)
    {
        var shape = _shape.ToArray();
        shape[d] = length;
        return MakeView(shape, _strides.ToArray(), Offset + (long)start * _strides[d]);
    }

    /// <summary>Python-style slice start:end along a dimension (negative indices count from the end).</summary>
    public Tensor Slice(int dim, int start, int end)
    {
        int n = Size(dim);
        if (start < 0) start += n;
        if (end < 0) end += n;
        start = Math.Clamp(start, 0, n);
        end = Math.Clamp(end, start, n);
        return Narrow(dim, start, end - start);
    }

    /// <summary>Index <paramref name="index"/> along <paramref name="dim"/>, removing that dimension (a view).</summary>
    public Tensor Select(int dim, int index)
    {
        int d = NormalizeDim(dim, Rank);
        if (index < 0) index += _shape[d];
        var n = Narrow(d, index, 1);
        var r = n.Squeeze(d);
        n.Dispose();
        return r;
    }

    public Tensor Unsqueeze(int dim)
    {
        int d = NormalizeDim(dim, Rank + 1);
        var shape = new List<int>(_shape);
        shape.Insert(d, 1);
        return Reshape(shape.ToArray());
    }

    /// <summary>Removes dimension <paramref name="dim"/> of size 1, or every size-1 dimension when null.</summary>
    public Tensor Squeeze(int? dim = null)
    {
        var shape = new List<int>();
        if (dim is int dd)
        {
            int d = NormalizeDim(dd, Rank);
            for (int i = 0; i < Rank; i++)
                if (i != d || _shape[i] != 1) shape.Add(_shape[i]);
        }
        else
        {
            foreach (var s in _shape)
                if (s != 1) shape.Add(s);
        }
        var inShape = _shape;
        var strides = new List<int>();
        for (int i = 0; i < Rank; i++)
            if (dim is int d2 ? !(i == NormalizeDim(d2, Rank) && _shape[i] == 1) : _shape[i] != 1) strides.Add(_strides[i]);
        var v = MakeView(shape.ToArray(), strides.ToArray(), Offset);
        return Autograd.Record(v, "squeeze", [this], (g, gi) => gi[0] = g.Reshape(inShape));
    }

    /// <summary>Broadcasts size-1 dimensions to <paramref name="shape"/> without copying (stride 0); −1 keeps a size.</summary>
    public Tensor Expand(params ReadOnlySpan<int> shape)
    {
        if (shape.Length < Rank) throw new ArgumentException($"Cannot expand shape {FormatShape(_shape)} to fewer dimensions {FormatShape(shape)}.");
        int lead = shape.Length - Rank;
        var newShape = new int[shape.Length];
        var strides = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            int target = shape[i];
            if (i < lead)
            {
                if (target < 0) throw new ArgumentException("-1 is not allowed for new leading dimensions in expand.");
                newShape[i] = target;
                strides[i] = 0;
                continue;
            }
            int cur = _shape[i - lead];
            if (target == -1 || target == cur)
            {
                newShape[i] = cur;
                strides[i] = _strides[i - lead];
            }
            else if (cur == 1)
            {
                newShape[i] = target;
                strides[i] = 0;
            }
            else throw new ArgumentException($"Cannot expand dimension {i - lead} of size {cur} to {target}.");
        }
        var inShape = _shape;
        var v = MakeView(newShape, strides, Offset);
        return Autograd.Record(v, "expand", [this], (g, gi) => gi[0] = g.SumToShape(inShape));
    }

    /// <summary>Concatenates tensors of equal shape except along <paramref name="dim"/>.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Cat needs at least one tensor.");
        var first = tensors[0];
        int d = NormalizeDim(dim, first.Rank);
        var shape = first._shape.ToArray();
        int total = 0;
        foreach (var t in tensors)
        {
            if (t.Rank != first.Rank || t.DType != first.DType)
                throw new ArgumentException($"Cat: tensor {FormatShape(t.Shape)} {t.DType} does not match {FormatShape(first.Shape)} {first.DType}.");
            for (int i = 0; i < first.Rank; i++)
                if (i != d && t._shape[i] != shape[i])
                    throw new ArgumentException($"Cat along {d}: shapes {FormatShape(first.Shape)} and {FormatShape(t.Shape)} differ in dimension {i}.");
            total += t._shape[d];
        }
        shape[d] = total;
        var result = Allocate(shape, first.DType);
        var sizes = new int[tensors.Count];
        int at = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            sizes[i] = tensors[i]._shape[d];
            using (var slot = result.NarrowNoGrad(d, at, sizes[i])) tensors[i].CopyTo(slot);
            at += sizes[i];
        }
        var inputs = new Tensor[tensors.Count];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = tensors[i];
        return Autograd.Record(result, "cat", inputs, (g, gi) =>
        {
            int off = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i].RequiresGrad)
                {
                    using var part = g.NarrowNoGrad(d, off, sizes[i]);
                    gi[i] = part.Contiguous();
                }
                off += sizes[i];
            }
        });
    }

    /// <summary>Stacks tensors of equal shape along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        var parts = new Tensor[tensors.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = tensors[i].Unsqueeze(dim);
        try
        {
            return Cat(parts, dim);
        }
        finally
        {
            // The unsqueezed views stay referenced by the graph when recording; disposing the
            // view objects only drops their storage references.
            if (!Autograd.NeedsGrad(parts)) foreach (var p in parts) p.Dispose();
        }
    }
}
