using System.Diagnostics;
using RetinaSharp.Distributed.Mpi;
using RetinaSharp.Tensors;
using RetinaSharp.Training;

namespace RetinaSharp.Distributed;

/// <summary>
/// The <see cref="Trainer"/>'s process group over an Open MPI job. Gradients are summed after the
/// backward pass (the engine's backward has no per-parameter "gradient ready" callback to start
/// communication early), packed into buckets of <paramref name="bucketFloats"/> floats so that a
/// model of many small tensors costs a few large allreduces, not one per tensor.
/// </summary>
public sealed class MpiDataParallel(MpiCommunicator communicator, int bucketFloats = 4 << 20) : DataParallelContext
{
    private float[]? _bucket;
    private readonly List<(Tensor Grad, int From, int At, int Count)> _pending = [];
    private int _fill;
    private readonly Stopwatch _communication = new();

    public MpiCommunicator Communicator { get; } = communicator;

    public override int Rank => Communicator.Rank;

    public override int WorldSize => Communicator.Size;

    /// <summary>Time spent in gradient allreduces so far (for the step-time breakdown).</summary>
    public TimeSpan CommunicationTime => _communication.Elapsed;

    public override void SumAcrossRanks(Span<double> values) => Communicator.AllreduceSum(values);

    public override void MaxAcrossRanks(Span<double> values) => Communicator.AllreduceMax(values);

    public override void SumGradients(IReadOnlyList<Tensor> parameters)
    {
        _communication.Start();
        try
        {
            // Which parameters have a gradient on some rank: only those take part, as in one process.
            var present = new double[parameters.Count];
            long total = 0;
            for (int i = 0; i < present.Length; i++) present[i] = parameters[i].Grad is { IsDisposed: false } ? 1 : 0;
            Communicator.AllreduceMax(present);
            for (int i = 0; i < present.Length; i++) if (present[i] > 0) total += parameters[i].NumElements;
            if (total == 0) return;
            if (_bucket is null || _bucket.Length < Math.Min(total, bucketFloats)) _bucket = new float[(int)Math.Min(total, bucketFloats)];
            for (int i = 0; i < parameters.Count; i++)
            {
                if (present[i] == 0) continue;
                var p = parameters[i];
                if (p.Grad is not { IsDisposed: false }) p.Grad = Tensor.ZerosLike(p);
                var grad = p.Grad;
                int length = grad.Data.Length;
                for (int done = 0; done < length;)
                {
                    int take = Math.Min(length - done, _bucket.Length - _fill);
                    grad.Data.Slice(done, take).CopyTo(_bucket.AsSpan(_fill, take));
                    _pending.Add((grad, done, _fill, take));
                    _fill += take;
                    done += take;
                    if (_fill == _bucket.Length) Flush();
                }
            }
            Flush();
        }
        finally
        {
            _communication.Stop();
        }
    }

    private void Flush()
    {
        if (_fill == 0) return;
        var bucket = _bucket.AsSpan(0, _fill);
        Communicator.AllreduceSum(bucket);
        foreach (var (grad, from, at, count) in _pending) bucket.Slice(at, count).CopyTo(grad.Data.Slice(from, count));
        _pending.Clear();
        _fill = 0;
    }
}
