using RetinaSharp.Tensors.Kernels;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Kernels;

public sealed unsafe class Conv2dKernelsTests
{
    public static TheoryData<string> Shapes()
    {
        var data = new TheoryData<string>();
        foreach (string name in Cases.Keys) data.Add(name);
        return data;
    }

    private static readonly Dictionary<string, Conv2dShape> Cases = new()
    {
        ["3x3 pad 1, batch 2"] = new(2, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1),
        ["3x3 stride 2"] = new(1, 4, 13, 10, 6, 3, 3, 2, 2, 1, 1),
        ["3x3 dilation 2 pad 2"] = new(1, 5, 12, 9, 7, 3, 3, 1, 1, 2, 2, 2, 2),
        ["groups 2, batch 2"] = new(2, 6, 7, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2),
        ["depthwise"] = new(1, 6, 9, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6),
        ["1x1, batch 2"] = new(2, 8, 5, 7, 16, 1, 1),
        ["1x1 groups 2, batch 2"] = new(2, 4, 6, 5, 6, 1, 1, Groups: 2),
        ["1x1 stride 2"] = new(1, 8, 9, 9, 4, 1, 1, 2, 2),
        ["7x7 stride 2 pad 3"] = new(1, 3, 17, 15, 5, 7, 7, 2, 2, 3, 3),
        ["3x2 kernel, mixed stride and pad"] = new(1, 3, 11, 6, 4, 3, 2, 1, 2, 0, 1),
        ["padding wider than the kernel reach"] = new(1, 2, 4, 5, 3, 3, 3, 1, 1, 3, 3),
        ["stride 3 dilation 2 in width only"] = new(1, 3, 5, 30, 4, 3, 3, 1, 3, 1, 0, 1, 2),
        // Depth past one GEMM depth block, several row and column tiles.
        ["64 channels, 45x44"] = new(1, 64, 45, 44, 32, 3, 3, 1, 1, 1, 1),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardMatchesDirectConvolution(string name)
    {
        Conv2dShape s = Cases[name];
        var random = new RandomGenerator(101);
        float[] input = Random(random, s.Batch * s.InChannels * s.InHeight * s.InWidth);
        float[] weight = Random(random, s.OutChannels * s.InChannelsPerGroup * s.KernelH * s.KernelW);
        // Alternate between a bias and none so both paths are covered across the shapes.
        float[]? bias = name.Length % 2 == 0 ? Random(random, s.OutChannels) : null;
        float[] output = Garbage(s.Batch * s.OutChannels * s.OutHeight * s.OutWidth);

        fixed (float* pi = input, pw = weight, pb = bias, po = output)
            Conv2dKernels.Forward(s, pi, pw, pb, po);

        var (expected, magnitude) = ConvReference.Forward(s, input, weight, bias);
        AssertClose(name + " forward", expected, magnitude, output, s.InChannelsPerGroup * s.KernelH * s.KernelW);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardInputMatchesDirectConvolution(string name)
    {
        Conv2dShape s = Cases[name];
        var random = new RandomGenerator(202);
        float[] gradOutput = Random(random, s.Batch * s.OutChannels * s.OutHeight * s.OutWidth);
        float[] weight = Random(random, s.OutChannels * s.InChannelsPerGroup * s.KernelH * s.KernelW);
        float[] gradInput = Garbage(s.Batch * s.InChannels * s.InHeight * s.InWidth);

        fixed (float* pg = gradOutput, pw = weight, pd = gradInput)
            Conv2dKernels.BackwardInput(s, pg, pw, pd);

        var (expected, magnitude) = ConvReference.BackwardInput(s, gradOutput, weight);
        AssertClose(name + " input gradient", expected, magnitude, gradInput, s.OutChannelsPerGroup * s.KernelH * s.KernelW);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardWeightMatchesDirectConvolution(string name)
    {
        Conv2dShape s = Cases[name];
        var random = new RandomGenerator(303);
        float[] input = Random(random, s.Batch * s.InChannels * s.InHeight * s.InWidth);
        float[] gradOutput = Random(random, s.Batch * s.OutChannels * s.OutHeight * s.OutWidth);
        float[] gradWeight = Garbage(s.OutChannels * s.InChannelsPerGroup * s.KernelH * s.KernelW);
        bool withBias = name.Length % 2 == 1;
        float[]? gradBias = withBias ? Garbage(s.OutChannels) : null;

        fixed (float* pi = input, pg = gradOutput, pw = gradWeight, pb = gradBias)
            Conv2dKernels.BackwardWeight(s, pi, pg, pw, pb);

        var (expected, magnitude, biasExpected, biasMagnitude) = ConvReference.BackwardWeight(s, input, gradOutput);
        int terms = s.Batch * s.OutHeight * s.OutWidth;
        AssertClose(name + " weight gradient", expected, magnitude, gradWeight, terms);
        if (gradBias != null) AssertClose(name + " bias gradient", biasExpected, biasMagnitude, gradBias, terms);
    }

    [Fact]
    public void InputGradientIsTheSameWhenSplitIntoManyColumnChunks()
    {
        // Tiny chunks put chunk boundaries inside output rows and inside padded borders.
        long saved = Conv2dKernels.ColumnChunkFloats;
        try
        {
            foreach (var s in new Conv2dShape[] { new(2, 3, 11, 13, 4, 3, 3, 1, 1, 1, 1), new(1, 4, 25, 30, 5, 3, 3, 2, 2, 1, 1, 1, 2) })
            {
                Conv2dKernels.ColumnChunkFloats = 500;
                var random = new RandomGenerator(505);
                float[] gradOutput = Random(random, s.Batch * s.OutChannels * s.OutHeight * s.OutWidth);
                float[] weight = Random(random, s.OutChannels * s.InChannelsPerGroup * s.KernelH * s.KernelW);
                float[] gradInput = Garbage(s.Batch * s.InChannels * s.InHeight * s.InWidth);
                fixed (float* pg = gradOutput, pw = weight, pd = gradInput)
                    Conv2dKernels.BackwardInput(s, pg, pw, pd);
                var (expected, magnitude) = ConvReference.BackwardInput(s, gradOutput, weight);
                AssertClose($"{s} input gradient in chunks", expected, magnitude, gradInput, s.OutChannels * s.KernelH * s.KernelW);
            }
        }
        finally
        {
            Conv2dKernels.ColumnChunkFloats = saved;
        }
    }

    [Fact]
    public void EveryGemmPathGivesTheSameConvolution()
    {
        var s = new Conv2dShape(2, 5, 10, 9, 7, 3, 3, 2, 1, 1, 2, 1, 2);
        var random = new RandomGenerator(404);
        float[] input = Random(random, s.Batch * s.InChannels * s.InHeight * s.InWidth);
        float[] weight = Random(random, s.OutChannels * s.InChannelsPerGroup * s.KernelH * s.KernelW);
        float[] gradOutput = Random(random, s.Batch * s.OutChannels * s.OutHeight * s.OutWidth);
        var (forward, forwardMagnitude) = ConvReference.Forward(s, input, weight, null);
        var (backward, backwardMagnitude) = ConvReference.BackwardInput(s, gradOutput, weight);
        var (weights, weightsMagnitude, _, _) = ConvReference.BackwardWeight(s, input, gradOutput);

        GemmIsa? saved = Gemm.ForcedIsa;
        try
        {
            foreach (GemmIsa isa in Enum.GetValues<GemmIsa>())
            {
                if (!Gemm.IsSupported(isa)) continue;
                Gemm.ForcedIsa = isa;
                float[] output = Garbage(forward.Length), gradInput = Garbage(backward.Length), gradWeight = Garbage(weights.Length);
                fixed (float* pi = input, pw = weight, pg = gradOutput, po = output, pd = gradInput, pdw = gradWeight)
                {
                    Conv2dKernels.Forward(s, pi, pw, null, po);
                    Conv2dKernels.BackwardInput(s, pg, pw, pd);
                    Conv2dKernels.BackwardWeight(s, pi, pg, pdw, null);
                }
                AssertClose($"{isa} forward", forward, forwardMagnitude, output, 45);
                AssertClose($"{isa} input gradient", backward, backwardMagnitude, gradInput, 63);
                AssertClose($"{isa} weight gradient", weights, weightsMagnitude, gradWeight, 2 * s.OutHeight * s.OutWidth);
            }
        }
        finally
        {
            Gemm.ForcedIsa = saved;
        }
    }

    /// <summary>
    /// Each result is a float sum of at most <paramref name="terms"/> products, accumulated in blocks.
    /// Rounding error of such a sum of random-sign terms grows like sqrt(terms) times 2^-24 of the sum
    /// of absolute terms; 4·sqrt(terms)+4 units leaves margin for the blocked order, while a missing,
    /// doubled or misplaced term (about magnitude/terms) is far outside it.
    /// </summary>
    private static void AssertClose(string what, double[] expected, double[] magnitude, float[] actual, int terms)
    {
        Assert.Equal(expected.Length, actual.Length);
        double units = (4 * Math.Sqrt(terms) + 4) * 6e-8;
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = units * magnitude[i] + 1e-30;
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance,
                $"{what}: element {i} = {actual[i]}, expected {expected[i]} ± {tolerance}");
        }
    }

    private static float[] Random(RandomGenerator random, int length)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++) data[i] = 2f * random.NextSingle() - 1f;
        return data;
    }

    /// <summary>Outputs start as NaN so an element the kernel forgets to write fails the comparison.</summary>
    private static float[] Garbage(int length)
    {
        var data = new float[length];
        Array.Fill(data, float.NaN);
        return data;
    }
}
