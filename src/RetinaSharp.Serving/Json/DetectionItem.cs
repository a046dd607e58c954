namespace RetinaSharp.Serving.Json;

/// <summary>One detection as the API writes it.</summary>
/// <param name="Box">x1, y1, x2, y2 in the pixels of the image as sent.</param>
/// <param name="Label">The model's label index.</param>
/// <param name="CategoryId">The training data's category id of the label (the label itself for torchvision weights).</param>
public sealed record DetectionItem(float[] Box, float Score, int Label, long CategoryId, string Name);
