using RetinaSharp.Imaging;

namespace RetinaSharp.Data.Loading;

/// <summary>A decoded image with its target and the augmentation chosen for it, ready to be batched.</summary>
internal sealed record PreparedSample(int SampleIndex, long ImageId, RgbImage Image, DetectionTarget Target, int MinSize, bool Flip);
