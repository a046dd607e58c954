namespace RetinaSharp.Evaluation;

/// <summary>
/// One detection handed straight from a detector to <see cref="CocoEvaluator"/>: the box is
/// [x, y, width, height] in original image pixels, as in the COCO results format.
/// </summary>
public readonly record struct CocoDetection(long ImageId, long CategoryId, double X, double Y, double Width, double Height, double Score);
