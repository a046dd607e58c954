using RetinaSharp.Data;

namespace RetinaSharp.Training;

/// <summary>A padded image batch [N, 3, H, W] with targets in network-input coordinates.</summary>
public sealed record TrainingBatch(
    float[] Images, int Count, int Height, int Width,
    DetectionTarget[] Targets, (int Height, int Width)[] ImageSizes, (int Height, int Width)[] OriginalSizes, long[] ImageIds,
    int Epoch, int IndexInEpoch);
