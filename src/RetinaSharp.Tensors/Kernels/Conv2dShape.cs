namespace RetinaSharp.Tensors.Kernels;

/// <summary>The geometry of a 2-D convolution over NCHW tensors with OIHW weights (I = InChannels / Groups).</summary>
public readonly record struct Conv2dShape(
    int Batch, int InChannels, int InHeight, int InWidth,
    int OutChannels, int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1, int PadH = 0, int PadW = 0,
    int DilationH = 1, int DilationW = 1, int Groups = 1)
{
    public int OutHeight => (InHeight + 2 * PadH - DilationH * (KernelH - 1) - 1) / StrideH + 1;
    public int OutWidth => (InWidth + 2 * PadW - DilationW * (KernelW - 1) - 1) / StrideW + 1;
    public int InChannelsPerGroup => InChannels / Groups;
    public int OutChannelsPerGroup => OutChannels / Groups;

    public void Validate()
    {
        if (Batch <= 0 || InChannels <= 0 || InHeight <= 0 || InWidth <= 0 || OutChannels <= 0 || KernelH <= 0 || KernelW <= 0)
            throw new ArgumentException($"Invalid convolution shape {this}.");
        if (StrideH <= 0 || StrideW <= 0 || DilationH <= 0 || DilationW <= 0 || PadH < 0 || PadW < 0)
            throw new ArgumentException($"Invalid convolution stride, padding or dilation in {this}.");
        if (Groups <= 0 || InChannels % Groups != 0 || OutChannels % Groups != 0)
            throw new ArgumentException($"Channels {InChannels}->{OutChannels} are not divisible by groups {Groups}.");
        if (OutHeight <= 0 || OutWidth <= 0)
            throw new ArgumentException($"Convolution output would be empty for {this}.");
    }
}
