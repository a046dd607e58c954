using RetinaSharp.Imaging;

namespace RetinaSharp.Data.Synthetic;

/// <summary>A rendered synthetic image and its annotations, objects in drawing order (later ones on top).</summary>
public sealed record SyntheticSample(SyntheticSplit Split, int Index, RgbImage Image, IReadOnlyList<SyntheticObject> Objects);
