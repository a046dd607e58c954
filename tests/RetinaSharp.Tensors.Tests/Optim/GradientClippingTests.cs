using RetinaSharp.Tensors.Optim;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Optim;

/// <summary>Optimizer.ClipGradNorm against hand-computed values (torch.nn.utils.clip_grad_norm_ semantics).</summary>
public sealed class GradientClippingTests
{
    private static (Tensor A, Tensor B) Parameters()
    {
        var a = Tensor.FromArray([1f, 2f], 2);
        var b = Tensor.FromArray([0f, 0f, 0f], 3);
        a.RequiresGrad = true;
        b.RequiresGrad = true;
        // Global norm sqrt(3² + 4² + 12²) = 13.
        a.Grad = Tensor.FromArray([3f, 4f], 2);
        b.Grad = Tensor.FromArray([12f, 0f, 0f], 3);
        return (a, b);
    }

    [Fact]
    public void Scales_all_gradients_to_the_maximum_norm()
    {
        var (a, b) = Parameters();
        using var sgd = new Sgd([a, b], 0.1f);
        double norm = sgd.ClipGradNorm(6.5f);
        Assert.Equal(13, norm, 6);
        // Scale 6.5 / (13 + 1e-6), as torch adds 1e-6 to the norm.
        float scale = (float)(6.5 / (13 + 1e-6));
        Assert.Equal([3f * scale, 4f * scale], a.Grad!.ToArray());
        Assert.Equal([12f * scale, 0f, 0f], b.Grad!.ToArray());
    }

    [Fact]
    public void Leaves_gradients_under_the_maximum_alone()
    {
        var (a, b) = Parameters();
        using var sgd = new Sgd([a, b], 0.1f);
        Assert.Equal(13, sgd.ClipGradNorm(20f), 6);
        Assert.Equal([3f, 4f], a.Grad!.ToArray());
        Assert.Equal([12f, 0f, 0f], b.Grad!.ToArray());
    }
}
