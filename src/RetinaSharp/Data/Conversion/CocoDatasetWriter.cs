using RetinaSharp.Data.Coco;
using RetinaSharp.Structures;

namespace RetinaSharp.Data.Conversion;

/// <summary>A data set as a COCO instances file: image ids and category ids kept, boxes as [x, y, w, h].</summary>
internal static class CocoDatasetWriter
{
    public static ConversionResult Write(IDetectionDataset dataset, string path, string[] names, ConversionOptions options)
    {
        var file = new CocoFile();
        foreach (var c in dataset.Classes) file.Categories.Add(new CocoCategory { Id = c.CategoryId, Name = c.Name });
        int boxes = 0, ignores = 0;
        long annotationId = 1;
        var ids = new HashSet<long>();
        for (int i = 0; i < dataset.Count; i++)
        {
            var info = dataset.GetInfo(i);
            // VOC and CSV ids are positions; a COCO source keeps its own, which are unique already.
            long imageId = ids.Add(info.ImageId) ? info.ImageId : throw new InvalidDataException($"{dataset.Source}: image id {info.ImageId} appears twice.");
            file.Images.Add(new CocoImage { Id = imageId, FileName = names[i], Width = info.Size.Width, Height = info.Size.Height });
            var a = dataset.GetAnnotations(i);
            for (int k = 0; k < a.Boxes.Length; k++, boxes++)
                file.Annotations.Add(Annotation(annotationId++, imageId, dataset.Classes.CategoryIdOf(a.Labels[k]), a.Boxes[k], ignore: false, options));
            for (int k = 0; k < a.IgnoreBoxes.Length; k++, ignores++)
                file.Annotations.Add(Annotation(annotationId++, imageId, dataset.Classes.CategoryIdOf(a.IgnoreLabels[k]), a.IgnoreBoxes[k], ignore: true, options));
        }
        file.Save(path);
        return new ConversionResult(dataset.Count, boxes, ignores, 0);
    }

    private static CocoAnnotation Annotation(long id, long imageId, long categoryId, Box b, bool ignore, ConversionOptions options)
    {
        double x1 = CoordinateText.AsDouble(b.X1), y1 = CoordinateText.AsDouble(b.Y1), x2 = CoordinateText.AsDouble(b.X2), y2 = CoordinateText.AsDouble(b.Y2);
        return new CocoAnnotation
        {
            Id = id,
            ImageId = imageId,
            CategoryId = categoryId,
            Bbox = [x1, y1, x2 - x1, y2 - y1],
            Area = (x2 - x1) * (y2 - y1),
            IsCrowd = ignore && options.IgnoreAsCrowd ? 1 : 0,
            Ignore = ignore && !options.IgnoreAsCrowd ? 1 : null,
        };
    }
}
