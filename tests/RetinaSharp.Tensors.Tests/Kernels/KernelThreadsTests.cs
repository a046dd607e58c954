using RetinaSharp.Tensors.Kernels;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Kernels;

public sealed unsafe class KernelThreadsTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(7, 1)]
    [InlineData(1000, 1)]
    [InlineData(1000, 64)]
    [InlineData(100_003, 4096)]
    [InlineData(5, 100)]
    public void ForVisitsEveryIndexExactlyOnce(int count, int grain)
    {
        var visits = new int[count + 1];
        fixed (int* v = visits)
        {
            KernelThreads.For(count, grain, new CountVisits { Visits = v });
        }
        for (int i = 0; i < count; i++) Assert.Equal(1, visits[i]);
        Assert.Equal(0, visits[count]);
    }

    [Fact]
    public void DelegateAndFunctionPointerBodiesCoverTheRange()
    {
        const int count = 70_000;
        var viaDelegate = new int[count];
        KernelThreads.For(count, 1000, (start, end) =>
        {
            for (int i = start; i < end; i++) viaDelegate[i] += i % 7 + 1;
        });
        var viaPointer = new int[count];
        fixed (int* p = viaPointer)
        {
            KernelThreads.For(count, 1000, &AddPattern, p);
        }
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i % 7 + 1, viaDelegate[i]);
            Assert.Equal(i % 7 + 1, viaPointer[i]);
        }
    }

    private static void AddPattern(void* state, int start, int end)
    {
        var data = (int*)state;
        for (int i = start; i < end; i++) data[i] += i % 7 + 1;
    }

    [Fact]
    public void RangesFollowPieceRangeAndRespectTheGrain()
    {
        const int count = 50_000, grain = 1000;
        int pieces = KernelThreads.PieceCount(count, grain);
        Assert.InRange(pieces, 1, count / grain);
        var starts = new int[count];
        Array.Fill(starts, -1);
        fixed (int* s = starts)
        {
            KernelThreads.For(count, grain, new RecordStarts { Starts = s });
        }
        // Every index records the start of the range that covered it; those ranges must be exactly
        // the pieces PieceRange describes, so per-range partial sums are reproducible.
        for (int piece = 0; piece < pieces; piece++)
        {
            var (start, end) = KernelThreads.PieceRange(count, pieces, piece);
            Assert.True(end - start >= grain || pieces == 1);
            for (int i = start; i < end; i++) Assert.Equal(start, starts[i]);
        }
    }

    [Fact]
    public void NestedAndConcurrentLoopsComplete()
    {
        const int outer = 8, inner = 20_000;
        var sums = new long[outer];
        var threads = new Thread[3];
        var results = new long[threads.Length][];
        for (int t = 0; t < threads.Length; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                var local = new long[outer];
                fixed (long* p = local)
                {
                    KernelThreads.For(outer, 1, new NestedSum { Sums = p, Inner = inner });
                }
                results[id] = local;
            });
            threads[t].Start();
        }
        foreach (var thread in threads) thread.Join();
        long expected = (long)inner * (inner - 1) / 2;
        foreach (var local in results)
            for (int i = 0; i < outer; i++) Assert.Equal(expected + (long)i * inner, local[i]);
    }

    [Fact]
    public void ExceptionsInTheBodyReachTheCaller()
    {
        int saved = KernelThreads.MaxThreads;
        KernelThreads.MaxThreads = 2;
        try
        {
            var error = Assert.ThrowsAny<Exception>(() => KernelThreads.For(1000, 1, new Throws()));
            Assert.Contains("index 500", (error.InnerException ?? error).Message);
        }
        finally
        {
            KernelThreads.MaxThreads = saved;
        }
        // The pool still works afterwards.
        var visits = new int[100];
        fixed (int* v = visits) KernelThreads.For(100, 1, new CountVisits { Visits = v });
        Assert.All(visits, x => Assert.Equal(1, x));
    }

    private struct CountVisits : IParallelRange
    {
        public int* Visits;

        public readonly void Execute(int start, int end)
        {
            for (int i = start; i < end; i++) Interlocked.Increment(ref Visits[i]);
        }
    }

    private struct RecordStarts : IParallelRange
    {
        public int* Starts;

        public readonly void Execute(int start, int end)
        {
            for (int i = start; i < end; i++) Starts[i] = start;
        }
    }

    private struct NestedSum : IParallelRange
    {
        public long* Sums;
        public int Inner;

        public readonly void Execute(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                var partial = new long[1];
                fixed (long* p = partial)
                {
                    // A loop inside a loop body runs inline on the thread that owns the outer range.
                    KernelThreads.For(Inner, 100, new AddIndices { Target = p, Offset = i });
                }
                Sums[i] = partial[0];
            }
        }
    }

    private struct AddIndices : IParallelRange
    {
        public long* Target;
        public int Offset;

        public readonly void Execute(int start, int end)
        {
            long sum = 0;
            for (int j = start; j < end; j++) sum += j + Offset;
            Interlocked.Add(ref *Target, sum);
        }
    }

    private readonly struct Throws : IParallelRange
    {
        public void Execute(int start, int end)
        {
            if (start <= 500 && 500 < end) throw new InvalidOperationException("failure at index 500");
        }
    }
}
