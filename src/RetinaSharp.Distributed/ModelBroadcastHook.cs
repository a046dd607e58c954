using System.Runtime.InteropServices;
using RetinaSharp.Distributed.Mpi;
using RetinaSharp.Tensors;
using RetinaSharp.Training;

namespace RetinaSharp.Distributed;

/// <summary>
/// Before the first step, copies rank 0's model (parameters and buffers, after any resume) to every
/// rank, so all start from the same weights whatever their initialisation or weight files did;
/// identical gradients and optimiser steps then keep them equal.
/// </summary>
public sealed class ModelBroadcastHook(MpiCommunicator communicator) : TrainingHook
{
    public override void BeforeTrain(Trainer trainer)
    {
        foreach (var (name, tensor) in trainer.Model.StateDict())
        {
            switch (tensor.DType)
            {
                case DType.Float32: communicator.Broadcast(tensor.Data); break;
                case DType.Int64: communicator.Broadcast(MemoryMarshal.AsBytes(tensor.AsSpan<long>())); break;
                case DType.Int32: communicator.Broadcast(MemoryMarshal.AsBytes(tensor.AsSpan<int>())); break;
                default: throw new NotSupportedException($"Model state '{name}' has type {tensor.DType}, which cannot be broadcast.");
            }
        }
    }
}
