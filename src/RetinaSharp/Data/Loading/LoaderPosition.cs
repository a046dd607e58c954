namespace RetinaSharp.Data.Loading;

/// <summary>A place in the loader's stream of batches: batch <see cref="Batch"/> (0-based) of epoch <see cref="Epoch"/>.</summary>
public readonly record struct LoaderPosition(int Epoch, int Batch)
{
    public override string ToString() => $"epoch {Epoch}, batch {Batch}";
}
