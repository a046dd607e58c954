namespace RetinaSharp.Tensors.Kernels;

/// <summary>Independent scratch buffers a thread may hold at the same time, so nested kernels never share one.</summary>
internal enum ScratchSlot
{
    GemmPackA,
    GemmPackB,
    ConvGradOutput,
    ConvColumns,
    ConvWeights,
    Count,
}
