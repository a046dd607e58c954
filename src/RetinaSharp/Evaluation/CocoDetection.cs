namespace RetinaSharp.Evaluation;

/// <summary>
/// A checked <see cref="Data.Coco.CocoResult"/> as the evaluator works on it: the box is
/// [x, y, width, height] in original image pixels, as in the COCO results format.
/// </summary>
internal readonly record struct CocoDetection(long ImageId, long CategoryId, double X, double Y, double Width, double Height, double Score);
