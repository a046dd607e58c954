namespace RetinaSharp.Structures;

/// <summary>One detected object: a box in image pixels, a score in (0, 1) and a class label 0..K−1.</summary>
public readonly record struct Detection(Box Box, float Score, int Label);
