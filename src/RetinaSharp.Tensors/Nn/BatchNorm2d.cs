namespace RetinaSharp.Tensors.Nn;

/// <summary>
/// Batch normalisation over [N, C, H, W], as torch.nn.BatchNorm2d: parameters "weight" (ones) and
/// "bias" (zeros), buffers "running_mean" (zeros), "running_var" (ones) and "num_batches_tracked"
/// (Int64). Training normalises with batch statistics and updates the running ones; evaluation uses
/// the running ones.
/// </summary>
public sealed class BatchNorm2d : Module
{
    public BatchNorm2d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f)
    {
        if (numFeatures <= 0) throw new ArgumentException($"Invalid BatchNorm2d({numFeatures}).");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Weight = RegisterParameter("weight", Tensor.Ones([numFeatures]));
        Bias = RegisterParameter("bias", Tensor.Zeros([numFeatures]));
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures]));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
    }

    public int NumFeatures { get; }
    public float Eps { get; }
    public float Momentum { get; }
    public Tensor Weight { get; }
    public Tensor Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }
    public Tensor NumBatchesTracked { get; }

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 4) throw new ArgumentException($"BatchNorm2d needs [N, C, H, W], got {Tensor.FormatShape(input.Shape)}.");
        if (Training) NumBatchesTracked.AsSpan<long>()[0]++;
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, Training, Momentum, Eps);
    }
}
