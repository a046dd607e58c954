using System.Numerics.Tensors;
using RetinaSharp.Tensors.Kernels;

namespace RetinaSharp.Tensors;

public static unsafe partial class Functional
{
    /// <summary>
    /// y = x·Wᵀ + b for input [..., in], weight [out, in] and optional bias [out] (torch's linear):
    /// one GEMM over all leading rows, recorded as one node.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        input.RequireFloat();
        weight.RequireFloat();
        if (input.Rank < 1 || weight.Rank != 2 || input.Size(-1) != weight.Size(1))
            throw new ArgumentException($"Linear: input {Tensor.FormatShape(input.Shape)} does not match weight {Tensor.FormatShape(weight.Shape)}.");
        int inF = weight.Size(1), outF = weight.Size(0);
        if (bias != null && (bias.Rank != 1 || bias.Size(0) != outF))
            throw new ArgumentException($"Linear: bias {Tensor.FormatShape(bias.Shape)} does not match {outF} outputs.");
        int rows = checked((int)CountRows(input));
        var shape = input.Shape.ToArray();
        shape[^1] = outF;
        var y = Tensor.Allocate(shape);
        var x = input.ContiguousNoGrad();
        var w = weight.ContiguousNoGrad();
        if (rows > 0 && outF > 0)
        {
            if (inF > 0) Gemm.Sgemm(false, true, rows, outF, inF, 1f, x.FloatPointer, inF, w.FloatPointer, inF, 0f, y.FloatPointer, outF);
            else y.Data.Clear();
            if (bias != null)
            {
                using var b = bias.ContiguousNoGrad();
                var bs = b.Data;
                float* py = y.FloatPointer;
                for (int r = 0; r < rows; r++)
                {
                    var row = new Span<float>(py + (long)r * outF, outF);
                    TensorPrimitives.Add(row, bs, row);
                }
            }
        }
        Tensor[] inputs = bias == null ? [input, weight] : [input, weight, bias];
        return Autograd.Record(y, "linear", inputs, (g, gi) =>
        {
            using var gc = g.ContiguousNoGrad();
            if (input.RequiresGrad)
            {
                // dx = g · W
                var gx = Tensor.Zeros(input.Shape);
                if (rows > 0 && outF > 0 && inF > 0)
                    Gemm.Sgemm(false, false, rows, inF, outF, 1f, gc.FloatPointer, outF, w.FloatPointer, inF, 0f, gx.FloatPointer, inF);
                gi[0] = gx;
            }
            if (weight.RequiresGrad)
            {
                // dW = gᵀ · x
                var gw = Tensor.Zeros(weight.Shape);
                if (rows > 0 && outF > 0 && inF > 0)
                    Gemm.Sgemm(true, false, outF, inF, rows, 1f, gc.FloatPointer, outF, x.FloatPointer, inF, 0f, gw.FloatPointer, inF);
                gi[1] = gw;
            }
            if (bias != null && bias.RequiresGrad)
            {
                var gb = Tensor.Zeros([outF]);
                var gbs = gb.Data;
                float* pg = gc.FloatPointer;
                for (int r = 0; r < rows; r++)
                    TensorPrimitives.Add(gbs, new ReadOnlySpan<float>(pg + (long)r * outF, outF), gbs);
                gi[2] = gb;
            }
        }, x, w);
    }

    private static long CountRows(Tensor input)
    {
        long rows = 1;
        for (int i = 0; i < input.Rank - 1; i++) rows *= input.Size(i);
        return rows;
    }
}
