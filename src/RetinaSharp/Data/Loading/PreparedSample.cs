using RetinaSharp.Imaging;

namespace RetinaSharp.Data.Loading;

/// <summary>A decoded image with its annotations and the augmentation chosen for it, ready to be batched.</summary>
internal sealed record PreparedSample(int SampleIndex, long ImageId, RgbImage Image, ImageAnnotations Annotations, int MinSize, bool Flip);
