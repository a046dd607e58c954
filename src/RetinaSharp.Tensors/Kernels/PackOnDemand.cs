namespace RetinaSharp.Tensors.Kernels;

/// <summary>An A source that packs each block from the operand when the driver asks for it.</summary>
internal unsafe struct PackOnDemand<TOperand> : IGemmASource where TOperand : unmanaged, IGemmOperand
{
    public TOperand Operand;

    public PackOnDemand(TOperand operand) => Operand = operand;

    public readonly bool NeedsScratch => true;

    public float* Block(int i0, int mc, int p0, int kc, int mr, float* scratch)
    {
        Operand.Pack(scratch, i0, mc, p0, kc, mr);
        return scratch;
    }
}
