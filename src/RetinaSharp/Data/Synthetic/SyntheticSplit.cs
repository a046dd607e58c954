namespace RetinaSharp.Data.Synthetic;

/// <summary>A data set split. The value keys the random stream, so the splits never share images.</summary>
public enum SyntheticSplit
{
    Train = 0,
    Val = 1,
}
