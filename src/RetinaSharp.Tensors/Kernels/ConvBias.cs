using System.Runtime.Intrinsics;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>Per-channel bias work on [channels × pixels] planes, parallel over channels.</summary>
internal static unsafe class ConvBias
{
    /// <summary>Rows of at least this many floats per parallel piece keep the dispatch cost negligible.</summary>
    private const int FloatsPerPiece = 1 << 15;

    /// <summary>plane[k, :] += bias[k].</summary>
    public static void Add(float* plane, float* bias, int channels, int pixels) =>
        KernelThreads.For(channels, Grain(pixels), new AddBody { Plane = plane, Bias = bias, Pixels = pixels });

    /// <summary>sums[k] (+)= Σ plane[k, :]; overwrites when <paramref name="accumulate"/> is false.</summary>
    public static void SumRows(float* plane, float* sums, int channels, int pixels, bool accumulate) =>
        KernelThreads.For(channels, Grain(pixels), new SumBody { Plane = plane, Sums = sums, Pixels = pixels, Accumulate = accumulate });

    private static int Grain(int pixels) => Math.Max(1, FloatsPerPiece / Math.Max(1, pixels));

    private struct AddBody : IParallelRange
    {
        public float* Plane;
        public float* Bias;
        public int Pixels;

        public readonly void Execute(int start, int end)
        {
            for (int k = start; k < end; k++)
            {
                float* row = Plane + (long)k * Pixels;
                var b = Vector256.Create(Bias[k]);
                int i = 0;
                for (; i + 8 <= Pixels; i += 8) Vector256.Store(Vector256.Load(row + i) + b, row + i);
                for (; i < Pixels; i++) row[i] += Bias[k];
            }
        }
    }

    private struct SumBody : IParallelRange
    {
        public float* Plane;
        public float* Sums;
        public int Pixels;
        public bool Accumulate;

        public readonly void Execute(int start, int end)
        {
            for (int k = start; k < end; k++)
            {
                float* row = Plane + (long)k * Pixels;
                // Four independent vector sums hide the add latency and shorten the rounding chain.
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                int i = 0;
                for (; i + 32 <= Pixels; i += 32)
                {
                    a0 += Vector256.Load(row + i);
                    a1 += Vector256.Load(row + i + 8);
                    a2 += Vector256.Load(row + i + 16);
                    a3 += Vector256.Load(row + i + 24);
                }
                for (; i + 8 <= Pixels; i += 8) a0 += Vector256.Load(row + i);
                float sum = Vector256.Sum((a0 + a1) + (a2 + a3));
                for (; i < Pixels; i++) sum += row[i];
                Sums[k] = Accumulate ? Sums[k] + sum : sum;
            }
        }
    }
}
