namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// 2-D convolution kernels on raw NCHW buffers. Every entry point overwrites its output.
/// </summary>
/// <remarks>
/// All three are GEMMs per image and group, with W = weight[K, C/g·kh·kw] (OIHW read as a matrix) and
/// col = the im2col matrix [C/g·kh·kw, OH·OW]:
/// forward Y = W·col, input gradient dcol = Wᵀ·dY followed by col2im, weight gradient dW = Σ dY·colᵀ.
/// col is never materialised for the forward and weight-gradient products (the packers read the image
/// directly); the input gradient goes through a bounded column chunk. A 1×1, stride-1, unpadded
/// convolution is a plain GEMM on the image planes.
/// </remarks>
public static unsafe class Conv2dKernels
{
    /// <summary>
    /// Floats in one column-gradient chunk (8 MiB, still in L3 when col2im reads it back). On one thread
    /// 2, 4 and 8 MiB measured within 2% of each other for 256-channel 3×3 convolutions; on two threads
    /// fewer, larger chunks mean fewer parallel regions and 8 MiB was about 5% faster than 2 MiB.
    /// </summary>
    internal static long ColumnChunkFloats { get; set; } = 1L << 21;

    /// <summary>Taps up to this count live on the stack.</summary>
    private const int StackTaps = 256;

    /// <summary>output[N,K,OH,OW] = conv(input[N,C,H,W], weight[K,C/g,kh,kw]) + bias[K] (bias may be null).</summary>
    public static void Forward(in Conv2dShape s, float* input, float* weight, float* bias, float* output)
    {
        s.Validate();
        Conv2dShape shape = s;
        GemmIsa isa = Gemm.Isa;
        int cg = shape.InChannelsPerGroup, kg = shape.OutChannelsPerGroup, area = shape.KernelH * shape.KernelW;
        int depth = cg * area, pixels = shape.OutHeight * shape.OutWidth, plane = shape.InHeight * shape.InWidth;
        int threads = KernelThreads.MaxThreads;

        // Weights are the A operand of every image: pack them once per call.
        var (mr, _, kcBlock) = Gemm.Blocking(isa);
        long packedSize = PrepackedA.Size(kg, depth, mr);
        float* packed = ScratchArena.Current.Get(ScratchSlot.ConvWeights, packedSize * shape.Groups);
        for (int g = 0; g < shape.Groups; g++)
        {
            var w = new StridedOperand(weight + (long)g * kg * depth, depth, 1);
            PrepackedA.Create(w, kg, depth, mr, kcBlock, packed + g * packedSize);
        }

        bool pointwise = IsPointwise(shape);
        Span<ConvTap> taps = area <= StackTaps ? stackalloc ConvTap[area] : new ConvTap[area];
        FillTaps(shape, taps);
        fixed (ConvTap* tapPtr = taps)
        {
            for (int n = 0; n < shape.Batch; n++)
            for (int g = 0; g < shape.Groups; g++)
            {
                float* image = input + ((long)n * shape.InChannels + g * cg) * plane;
                float* result = output + ((long)n * shape.OutChannels + g * kg) * pixels;
                if (pointwise)
                {
                    var cols = new StridedOperand(image, 1, plane);
                    Gemm.Run(isa, kg, pixels, depth, PrepackedA.View(packed + g * packedSize, kg, mr), cols, 0f, result, pixels, threads);
                }
                else
                {
                    var cols = new Im2ColOperand(image, tapPtr, shape);
                    Gemm.Run(isa, kg, pixels, depth, PrepackedA.View(packed + g * packedSize, kg, mr), cols, 0f, result, pixels, threads);
                }
            }
        }

        if (bias != null)
        {
            for (int n = 0; n < shape.Batch; n++)
                ConvBias.Add(output + (long)n * shape.OutChannels * pixels, bias, shape.OutChannels, pixels);
        }
    }

    /// <summary>gradInput[N,C,H,W] from gradOutput[N,K,OH,OW] and weight.</summary>
    public static void BackwardInput(in Conv2dShape s, float* gradOutput, float* weight, float* gradInput)
    {
        s.Validate();
        Conv2dShape shape = s;
        GemmIsa isa = Gemm.Isa;
        int cg = shape.InChannelsPerGroup, kg = shape.OutChannelsPerGroup, area = shape.KernelH * shape.KernelW;
        int depth = cg * area, pixels = shape.OutHeight * shape.OutWidth, plane = shape.InHeight * shape.InWidth;
        int threads = KernelThreads.MaxThreads;
        ScratchArena arena = ScratchArena.Current;

        // A = Wᵀ: rows are im2col rows (channel, tap), depth is the output channel.
        var (mr, nr, kcBlock) = Gemm.Blocking(isa);
        long packedSize = PrepackedA.Size(depth, kg, mr);
        float* packed = arena.Get(ScratchSlot.ConvWeights, packedSize * shape.Groups);
        for (int g = 0; g < shape.Groups; g++)
        {
            var wt = new StridedOperand(weight + (long)g * kg * depth, 1, depth);
            PrepackedA.Create(wt, depth, kg, mr, kcBlock, packed + g * packedSize);
        }

        if (IsPointwise(shape))
        {
            for (int n = 0; n < shape.Batch; n++)
            for (int g = 0; g < shape.Groups; g++)
            {
                var dy = new StridedOperand(gradOutput + ((long)n * shape.OutChannels + g * kg) * pixels, 1, pixels);
                float* dx = gradInput + ((long)n * shape.InChannels + g * cg) * plane;
                Gemm.Run(isa, depth, pixels, kg, PrepackedA.View(packed + g * packedSize, depth, mr), dy, 0f, dx, plane, threads);
            }
            return;
        }

        // Chunks of whole register tiles (nr pixels) keep the GEMM's column tiles full.
        int chunk = (int)Math.Min(pixels, Math.Max(nr, ColumnChunkFloats / depth / nr * nr));
        float* columns = arena.Get(ScratchSlot.ConvColumns, (long)depth * chunk);
        new Span<float>(gradInput, checked(shape.Batch * shape.InChannels * plane)).Clear();

        Span<ConvTap> taps = area <= StackTaps ? stackalloc ConvTap[area] : new ConvTap[area];
        FillTaps(shape, taps);
        fixed (ConvTap* tapPtr = taps)
        {
            for (int n = 0; n < shape.Batch; n++)
            for (int g = 0; g < shape.Groups; g++)
            {
                float* dyImage = gradOutput + ((long)n * shape.OutChannels + g * kg) * pixels;
                float* dxImage = gradInput + ((long)n * shape.InChannels + g * cg) * plane;
                for (int q0 = 0; q0 < pixels; q0 += chunk)
                {
                    int count = Math.Min(chunk, pixels - q0);
                    var dy = new StridedOperand(dyImage + q0, 1, pixels);
                    Gemm.Run(isa, depth, count, kg, PrepackedA.View(packed + g * packedSize, depth, mr), dy, 0f, columns, count, threads);
                    var scatter = new Col2Im
                    {
                        Columns = columns, GradInput = dxImage, Taps = tapPtr, Shape = shape, PixelStart = q0, PixelCount = count,
                    };
                    KernelThreads.For(cg, Math.Max(1, (1 << 14) / Math.Max(1, area * count)), scatter);
                }
            }
        }
    }

    /// <summary>gradWeight[K,C/g,kh,kw] and gradBias[K] (may be null) from input and gradOutput.</summary>
    public static void BackwardWeight(in Conv2dShape s, float* input, float* gradOutput, float* gradWeight, float* gradBias)
    {
        s.Validate();
        Conv2dShape shape = s;
        GemmIsa isa = Gemm.Isa;
        int cg = shape.InChannelsPerGroup, kg = shape.OutChannelsPerGroup, area = shape.KernelH * shape.KernelW;
        int depth = cg * area, pixels = shape.OutHeight * shape.OutWidth, plane = shape.InHeight * shape.InWidth;
        int threads = KernelThreads.MaxThreads;
        bool pointwise = IsPointwise(shape);
        var (mr, _, kcBlock) = Gemm.Blocking(isa);
        float* packedDy = ScratchArena.Current.Get(ScratchSlot.ConvGradOutput, PrepackedA.Size(kg, pixels, mr));

        Span<ConvTap> taps = area <= StackTaps ? stackalloc ConvTap[area] : new ConvTap[area];
        FillTaps(shape, taps);
        fixed (ConvTap* tapPtr = taps)
        {
            for (int n = 0; n < shape.Batch; n++)
            {
                // The first image writes the gradient, later ones accumulate onto it.
                float beta = n == 0 ? 0f : 1f;
                for (int g = 0; g < shape.Groups; g++)
                {
                    // dY of this image is the A operand of every column rectangle: pack it once, in
                    // parallel, rather than once per rectangle.
                    var dyRows = new StridedOperand(gradOutput + ((long)n * shape.OutChannels + g * kg) * pixels, pixels, 1);
                    var dy = PrepackedA.Create(dyRows, kg, pixels, mr, kcBlock, packedDy);
                    float* image = input + ((long)n * shape.InChannels + g * cg) * plane;
                    float* dw = gradWeight + (long)g * kg * depth;
                    if (pointwise)
                    {
                        var cols = new StridedOperand(image, plane, 1);
                        Gemm.Run(isa, kg, depth, pixels, dy, cols, beta, dw, depth, threads);
                    }
                    else
                    {
                        var cols = new Im2ColTransposedOperand(image, tapPtr, shape);
                        Gemm.Run(isa, kg, depth, pixels, dy, cols, beta, dw, depth, threads);
                    }
                }
            }
        }

        if (gradBias != null)
        {
            for (int n = 0; n < shape.Batch; n++)
                ConvBias.SumRows(gradOutput + (long)n * shape.OutChannels * pixels, gradBias, shape.OutChannels, pixels, accumulate: n > 0);
        }
    }

    /// <summary>A 1×1 kernel with unit stride and no padding reads each input pixel exactly once, in order.</summary>
    private static bool IsPointwise(in Conv2dShape s) =>
        s.KernelH == 1 && s.KernelW == 1 && s.StrideH == 1 && s.StrideW == 1 && s.PadH == 0 && s.PadW == 0;

    private static void FillTaps(in Conv2dShape s, Span<ConvTap> taps)
    {
        for (int i = 0; i < s.KernelH; i++)
        for (int j = 0; j < s.KernelW; j++)
            taps[i * s.KernelW + j] = new ConvTap(s, i, j);
    }
}
