using System.Runtime.CompilerServices;

namespace RetinaSharp.Tensors.Kernels;

/// <summary>
/// The blocked GEMM loop nest for one micro-kernel: C[m×n] = Ã·B̃ + beta·C with A and B supplied as
/// packers. Loops, outermost first: NC-wide column panels of B, KC-deep slices (pack B̃), MC-high row
/// blocks (pack Ã), then the NR-wide and MR-high register tiles.
/// </summary>
/// <remarks>
/// C is cut into a grid of rectangles that threads claim one at a time and compute independently, each
/// packing the B̃ and Ã it needs: there is no barrier anywhere, which matters on a machine where a thread
/// can be descheduled at any time. The grid is chosen so that the redundant packing stays small
/// compared with the arithmetic.
/// </remarks>
internal static unsafe class GemmDriver<TKernel> where TKernel : struct, IGemmMicroKernel
{
    /// <summary>Below this many multiply-adds a call stays on one thread.</summary>
    private const long ParallelThreshold = 1L << 18;

    /// <summary>
    /// Rectangles of C per thread, handed out first come first served: on a shared machine a thread that
    /// loses its core for a while leaves its later rectangles to the others instead of holding them up.
    /// </summary>
    private const int PiecesPerThread = 2;

    public static void Run<TA, TB>(int m, int n, int k, in TA a, in TB b, float beta, float* c, nint ldc, int threads)
        where TA : unmanaged, IGemmASource
        where TB : unmanaged, IGemmOperand
    {
        if (m <= 0 || n <= 0) return;
        if (k <= 0)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        var job = new Job<TA, TB> { A = a, B = b, M = m, N = n, K = k, Beta = beta, C = c, Ldc = ldc };
        if ((long)m * n * k < ParallelThreshold) threads = 1;
        threads = Math.Min(threads, KernelThreads.MaxThreads);
        int pieces = threads == 1 ? 1 : threads * PiecesPerThread;
        ChooseGrid(m, n, k, pieces, threads, out job.GridM, out job.GridN);
        threads = Math.Min(threads, job.GridM * job.GridN);
        if (threads == 1)
        {
            Participant<TA, TB>(&job, 0, 1);
            return;
        }
        KernelThreads.Region(threads, &Participant<TA, TB>, &job);
    }

    /// <summary>Floats of scratch one thread needs for a packed B̃ panel.</summary>
    public static long PackBSize => (long)TKernel.KC * TKernel.NC;

    private static void Participant<TA, TB>(void* state, int participant, int participants)
        where TA : unmanaged, IGemmASource
        where TB : unmanaged, IGemmOperand
    {
        var job = (Job<TA, TB>*)state;
        int gridM = job->GridM, gridN = job->GridN, pieces = gridM * gridN;
        int mr = TKernel.MR, nr = TKernel.NR;
        int mPanels = (job->M + mr - 1) / mr, nPanels = (job->N + nr - 1) / nr;
        float* packA = null, packB = null;
        while (true)
        {
            int piece = Interlocked.Increment(ref job->Next) - 1;
            if (piece >= pieces) return;
            int gi = piece / gridN, gj = piece % gridN;
            int m0 = (int)((long)mPanels * gi / gridM) * mr;
            int m1 = Math.Min(job->M, (int)((long)mPanels * (gi + 1) / gridM) * mr);
            int n0 = (int)((long)nPanels * gj / gridN) * nr;
            int n1 = Math.Min(job->N, (int)((long)nPanels * (gj + 1) / gridN) * nr);
            if (m0 >= m1 || n0 >= n1) continue;
            if (packB == null)
            {
                ScratchArena arena = ScratchArena.Current;
                packB = arena.Get(ScratchSlot.GemmPackB, PackBSize);
                if (job->A.NeedsScratch) packA = arena.Get(ScratchSlot.GemmPackA, (long)TKernel.MC * TKernel.KC);
            }
            Block(ref job->A, ref job->B, m0, m1, n0, n1, job->K, job->Beta, job->C, job->Ldc, packA, packB);
        }
    }

    private static void Block<TA, TB>(ref TA a, ref TB b, int m0, int m1, int n0, int n1, int k, float beta,
        float* c, nint ldc, float* packA, float* packB)
        where TA : unmanaged, IGemmASource
        where TB : unmanaged, IGemmOperand
    {
        int kcMax = TKernel.KC, mcMax = TKernel.MC, ncMax = TKernel.NC, mr = TKernel.MR, nr = TKernel.NR;
        for (int jc = n0; jc < n1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n1 - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                // Later depth slices accumulate onto what the first one wrote.
                float betaSlice = pc == 0 ? beta : 1f;
                b.Pack(packB, jc, nc, pc, kc, nr);
                for (int ic = m0; ic < m1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m1 - ic);
                    float* blockA = a.Block(ic, mc, pc, kc, mr, packA);
                    Macro(mc, nc, kc, blockA, packB, c + ic * ldc + jc, ldc, betaSlice);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Macro(int mc, int nc, int kc, float* blockA, float* panelB, float* c, nint ldc, float beta)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        float* edge = stackalloc float[TKernel.MR * TKernel.NR + 16];
        // The stack is only 16-byte aligned; the kernels store with unaligned stores, so this is fine.
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nw = Math.Min(nr, nc - jr);
            float* microB = panelB + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int mw = Math.Min(mr, mc - ir);
                float* microA = blockA + (long)ir * kc;
                float* tile = c + ir * ldc + jr;
                if (mw == mr && nw == nr)
                {
                    TKernel.Run(kc, microA, microB, tile, ldc, beta);
                }
                else
                {
                    TKernel.Run(kc, microA, microB, edge, nr, 0f);
                    MergeEdge(edge, nr, tile, ldc, mw, nw, beta);
                }
            }
        }
    }

    private static void MergeEdge(float* edge, int lde, float* c, nint ldc, int mw, int nw, float beta)
    {
        for (int i = 0; i < mw; i++)
        {
            float* src = edge + i * lde;
            float* dst = c + i * ldc;
            if (beta == 0f)
            {
                for (int j = 0; j < nw; j++) dst[j] = src[j];
            }
            else
            {
                for (int j = 0; j < nw; j++) dst[j] = src[j] + beta * dst[j];
            }
        }
    }

    /// <summary>
    /// Splits C into a gridM × gridN grid of about <paramref name="pieces"/> rectangles, minimising the
    /// busiest thread's cost: its share of register tiles (arithmetic) plus the panels each rectangle
    /// packs (its A rows once per NC panel, its B columns once).
    /// </summary>
    private static void ChooseGrid(int m, int n, int k, int pieces, int threads, out int gridM, out int gridN)
    {
        gridM = 1;
        gridN = 1;
        int mr = TKernel.MR, nr = TKernel.NR;
        long mPanels = (m + mr - 1) / mr, nPanels = (n + nr - 1) / nr;
        // Fewer pieces only when C has too few tiles for the requested count.
        for (int count = pieces; count > 1; count--)
        {
            double best = double.MaxValue;
            for (int gm = 1; gm <= count; gm++)
            {
                if (count % gm != 0) continue;
                int gn = count / gm;
                if (gm > mPanels || gn > nPanels) continue;
                long rows = (mPanels + gm - 1) / gm * mr, cols = (nPanels + gn - 1) / gn * nr;
                long ncBlocks = (cols + TKernel.NC - 1) / TKernel.NC;
                // One packed float costs about as much time as a few dozen flops of the micro-kernel.
                double perPiece = 2.0 * rows * cols * k + 24.0 * k * (rows * ncBlocks + cols);
                double cost = perPiece * ((count + threads - 1) / threads);
                if (cost < best)
                {
                    best = cost;
                    gridM = gm;
                    gridN = gn;
                }
            }
            if (best < double.MaxValue) return;
        }
    }

    private static void ScaleC(int m, int n, float beta, float* c, nint ldc)
    {
        for (int i = 0; i < m; i++)
        {
            float* row = c + i * ldc;
            if (beta == 0f) new Span<float>(row, n).Clear();
            else for (int j = 0; j < n; j++) row[j] *= beta;
        }
    }

    private struct Job<TA, TB>
        where TA : unmanaged, IGemmASource
        where TB : unmanaged, IGemmOperand
    {
        public TA A;
        public TB B;
        public int M, N, K, GridM, GridN, Next;
        public float Beta;
        public float* C;
        public nint Ldc;
    }
}
