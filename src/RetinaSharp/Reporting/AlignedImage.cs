using RetinaSharp.Data;
using RetinaSharp.Structures;

namespace RetinaSharp.Reporting;

/// <summary>
/// One image of a data set with its ground truth and its detections, the detections relabelled
/// into the data set's labels and sorted best score first.
/// </summary>
internal sealed record AlignedImage(int Index, SampleInfo Info, ImageAnnotations Truth, Detection[] Detections)
{
    /// <summary>
    /// Pairs every image of <paramref name="dataset"/> with its detections by image id; an image
    /// without detections (none found, or unreadable) has none, and detections of an image outside
    /// the set are left out, as the COCO metrics do.
    /// </summary>
    /// <param name="categoryIdOf">The category id of a detection's label; null: detection labels are the data set's labels.</param>
    public static List<AlignedImage> Align(IDetectionDataset dataset, IReadOnlyList<ImageDetections> detections, Func<int, long>? categoryIdOf)
    {
        var byId = new Dictionary<long, List<Detection>>();
        foreach (var image in detections)
        {
            if (!byId.TryGetValue(image.ImageId, out var list)) byId[image.ImageId] = list = [];
            foreach (var d in image.Detections)
            {
                int label = d.Label;
                if (categoryIdOf != null)
                {
                    // A class the data set does not have cannot be scored against it.
                    if (!dataset.Classes.TryGetLabel(categoryIdOf(label), out label)) continue;
                }
                else if ((uint)label >= (uint)dataset.Classes.Count) continue;
                list.Add(d with { Label = label });
            }
        }
        var aligned = new List<AlignedImage>(dataset.Count);
        for (int i = 0; i < dataset.Count; i++)
        {
            var info = dataset.GetInfo(i);
            Detection[] dets = byId.TryGetValue(info.ImageId, out var found) ? [.. found.OrderByDescending(d => d.Score)] : [];
            aligned.Add(new AlignedImage(i, info, dataset.GetAnnotations(i), dets));
        }
        return aligned;
    }
}
