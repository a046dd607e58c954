using RetinaSharp.Tensors;

namespace RetinaSharp.Models;

/// <summary>Head outputs for a batch, with what is needed to place anchors.</summary>
public sealed record RetinaNetOutput(Tensor ClassLogits, Tensor BoxRegression, (int H, int W)[] FeatureSizes, int PaddedHeight, int PaddedWidth) : IDisposable
{
    public void Dispose()
    {
        ClassLogits.Dispose();
        BoxRegression.Dispose();
    }
}
