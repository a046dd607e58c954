namespace RetinaSharp.Structures;

/// <summary>
/// The detections of one image, boxes in the pixels of the image as it was given (before any
/// resizing), best score first.
/// </summary>
/// <param name="ImageId">The data set's image id, or the image's position in the list given to the detector.</param>
/// <param name="Size">Size of the original image.</param>
public sealed record ImageDetections(long ImageId, ImageSize Size, IReadOnlyList<Detection> Detections);
