using System.Numerics;
using System.Runtime.CompilerServices;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// Portable micro-kernel on Vector&lt;float&gt;: a 4×(2·W) tile of C (W = Vector&lt;float&gt;.Count) in 8
/// accumulators, few enough for the 16 vector registers of SSE/NEON-class hardware.
/// </summary>
internal readonly unsafe struct PortableMicroKernel : IGemmMicroKernel
{
    public static int MR => 4;
    public static int NR => 2 * Vector<float>.Count;
    public static int KC => 256;
    public static int MC => 4 * 32;
    public static int NC => 2048;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        int w = Vector<float>.Count;
        Vector<float> c00 = default, c01 = default;
        Vector<float> c10 = default, c11 = default;
        Vector<float> c20 = default, c21 = default;
        Vector<float> c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector<float> b0 = Vector.Load(b);
            Vector<float> b1 = Vector.Load(b + w);
            Vector<float> ai;
            ai = new Vector<float>(a[0]);
            c00 = Vector.MultiplyAddEstimate(ai, b0, c00);
            c01 = Vector.MultiplyAddEstimate(ai, b1, c01);
            ai = new Vector<float>(a[1]);
            c10 = Vector.MultiplyAddEstimate(ai, b0, c10);
            c11 = Vector.MultiplyAddEstimate(ai, b1, c11);
            ai = new Vector<float>(a[2]);
            c20 = Vector.MultiplyAddEstimate(ai, b0, c20);
            c21 = Vector.MultiplyAddEstimate(ai, b1, c21);
            ai = new Vector<float>(a[3]);
            c30 = Vector.MultiplyAddEstimate(ai, b0, c30);
            c31 = Vector.MultiplyAddEstimate(ai, b1, c31);
            a += 4;
            b += 2 * w;
        }

        if (beta == 0)
        {
            Vector.Store(c00, c + 0 * ldc);
            Vector.Store(c01, c + 0 * ldc + w);
            Vector.Store(c10, c + 1 * ldc);
            Vector.Store(c11, c + 1 * ldc + w);
            Vector.Store(c20, c + 2 * ldc);
            Vector.Store(c21, c + 2 * ldc + w);
            Vector.Store(c30, c + 3 * ldc);
            Vector.Store(c31, c + 3 * ldc + w);
        }
        else
        {
            var vb = new Vector<float>(beta);
            float* row;
            row = c + 0 * ldc;
            Vector.Store(Vector.MultiplyAddEstimate(vb, Vector.Load(row), c00), row);
            Vector.Store(Vector.MultiplyAddEstimate(vb, Vector.Load(row + w), c01), row + w);
            row = c + 1 * ldc;
            Vector.Store(Vector.MultiplyAddEstimate(vb, Vector.Load(row), c10), row);
            Vector.Store(Vector.MultiplyAddEstimate(vb, Vector.Load(row + w), c11), row + w);
            row = c + 2 * ldc;
            Vector.Store(Vector.MultiplyAddEstimate(vb, Vector.Load(row), c20), row);
            Vector.Store(Vector.MultiplyAddEstimate(vb, Vector.Load(row + w), c21), row + w);
            row = c + 3 * ldc;
            Vector.Store(Vector.MultiplyAddEstimate(vb, Vector.Load(row), c30), row);
            Vector.Store(Vector.MultiplyAddEstimate(vb, Vector.Load(row + w), c31), row + w);
        }
    }
}
