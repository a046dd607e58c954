namespace RetinaSharp.Tensors.Nn;

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module
{
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>Returns its input unchanged (as a new tensor object, so callers may dispose it independently).</summary>
public sealed class Identity : Module
{
    public override Tensor Forward(Tensor input) => input.Alias();
}

/// <summary>Max pooling with −∞ padding.</summary>
public sealed class MaxPool2d(int kernelSize, int stride = -1, int padding = 0) : Module
{
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, kernelSize, stride, padding);
}
