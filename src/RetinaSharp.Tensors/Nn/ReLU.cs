namespace RetinaSharp.Tensors.Nn;

/// <summary>max(x, 0), as torch.nn.ReLU.</summary>
public sealed class ReLU : Module
{
    public override Tensor Forward(Tensor input) => input.Relu();
}
