namespace RetinaSharp.Imaging;

/// <summary>
/// The two source taps and their weights for every output position along one axis of a bilinear
/// resize with align_corners = false, computed as PyTorch's CPU kernel does when it is given an
/// output size: the ratio input/output (not 1/scale_factor) rounded to float, the source position
/// in double (torch's accumulation type on the CPU), the weights rounded back to float.
/// </summary>
internal sealed class ResampleAxis
{
    public int[] Index0 { get; }
    public int[] Index1 { get; }
    public float[] Weight0 { get; }
    public float[] Weight1 { get; }

    private ResampleAxis(int outSize)
    {
        Index0 = new int[outSize];
        Index1 = new int[outSize];
        Weight0 = new float[outSize];
        Weight1 = new float[outSize];
    }

    public static ResampleAxis Create(int inSize, int outSize)
    {
        var axis = new ResampleAxis(outSize);
        if (inSize == outSize)
        {
            // PyTorch special-cases equal sizes as a plain copy; weights 1/0 reproduce that exactly.
            for (int i = 0; i < outSize; i++)
            {
                axis.Index0[i] = i;
                axis.Index1[i] = i;
                axis.Weight0[i] = 1f;
                axis.Weight1[i] = 0f;
            }
            return axis;
        }
        float ratio = (float)inSize / outSize;
        for (int i = 0; i < outSize; i++)
        {
            double src = ratio * (i + 0.5) - 0.5;
            if (src < 0) src = 0;
            int i0 = (int)src;
            if (i0 > inSize - 1) i0 = inSize - 1;
            // At the far edge both taps are the last pixel; the weights still sum to one there.
            int i1 = i0 < inSize - 1 ? i0 + 1 : i0;
            float lambda1 = (float)(src - i0);
            axis.Index0[i] = i0;
            axis.Index1[i] = i1;
            axis.Weight1[i] = lambda1;
            axis.Weight0[i] = 1f - lambda1;
        }
        return axis;
    }
}
