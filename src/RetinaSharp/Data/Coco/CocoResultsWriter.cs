using RetinaSharp.Structures;

namespace RetinaSharp.Data.Coco;

/// <summary>
/// Detections in the COCO results format, [{image_id, category_id, bbox: [x, y, w, h], score}]:
/// the one place where xyxy boxes become COCO's xywh.
/// </summary>
public static class CocoResultsWriter
{
    /// <param name="categoryIdOf">The category id reported for a label (a checkpoint's ids, or the label itself).</param>
    /// <param name="fileNameOf">The file name to report beside each image id, if any.</param>
    public static List<CocoResult> ToResults(IEnumerable<ImageDetections> images, Func<int, long> categoryIdOf, Func<long, string?>? fileNameOf = null)
    {
        var results = new List<CocoResult>();
        foreach (var image in images)
            foreach (var d in image.Detections)
                results.Add(new CocoResult
                {
                    ImageId = image.ImageId,
                    CategoryId = categoryIdOf(d.Label),
                    // Width and height in float32, as torchvision's box_convert produces them.
                    Bbox = [d.Box.X1, d.Box.Y1, d.Box.X2 - d.Box.X1, d.Box.Y2 - d.Box.Y1],
                    Score = d.Score,
                    FileName = fileNameOf?.Invoke(image.ImageId),
                });
        return results;
    }

    /// <summary>Writes the results atomically.</summary>
    public static void Write(string path, IEnumerable<ImageDetections> images, Func<int, long> categoryIdOf) =>
        CocoResult.SaveList(path, ToResults(images, categoryIdOf));
}
