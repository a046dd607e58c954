namespace RetinaSharp.Tensors.Nn;

/// <summary>2-D max pooling, as torch.nn.MaxPool2d (stride ≤ 0 means the kernel size).</summary>
public sealed class MaxPool2d(int kernelSize, int stride = -1, int padding = 0, int dilation = 1, bool ceilMode = false) : Module
{
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride <= 0 ? kernelSize : stride;
    public int Padding { get; } = padding;
    public int Dilation { get; } = dilation;
    public bool CeilMode { get; } = ceilMode;

    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);
}
