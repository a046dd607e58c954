using RetinaSharp.Data;
using RetinaSharp.Data.Coco;

namespace RetinaSharp.Evaluation;

/// <summary>The ground truth the COCO metrics score a data set against, whatever its format.</summary>
public static class CocoGroundTruth
{
    /// <summary>
    /// A COCO data set's own annotation file (its areas and crowd flags as given); for VOC and CSV
    /// sets, a COCO file built from the annotations: area = box area, ignore regions (VOC
    /// difficult objects) as crowd boxes, which pycocotools neither rewards nor penalises.
    /// </summary>
    public static CocoFile From(IDetectionDataset dataset)
    {
        if (dataset is CocoDetectionDataset coco) return coco.File;
        var file = new CocoFile();
        foreach (var c in dataset.Classes) file.Categories.Add(new CocoCategory { Id = c.CategoryId, Name = c.Name });
        long annotationId = 1;
        for (int i = 0; i < dataset.Count; i++)
        {
            var info = dataset.GetInfo(i);
            file.Images.Add(new CocoImage { Id = info.ImageId, FileName = info.Key, Width = info.Size.Width, Height = info.Size.Height });
            var a = dataset.GetAnnotations(i);
            for (int k = 0; k < a.Boxes.Length; k++) file.Annotations.Add(Annotation(annotationId++, info.ImageId, dataset.Classes[a.Labels[k]].CategoryId, a.Boxes[k], crowd: false));
            for (int k = 0; k < a.IgnoreBoxes.Length; k++) file.Annotations.Add(Annotation(annotationId++, info.ImageId, dataset.Classes[a.IgnoreLabels[k]].CategoryId, a.IgnoreBoxes[k], crowd: true));
        }
        return file;
    }

    private static CocoAnnotation Annotation(long id, long imageId, long categoryId, Structures.Box box, bool crowd)
    {
        double w = box.X2 - box.X1, h = box.Y2 - box.Y1;
        return new CocoAnnotation { Id = id, ImageId = imageId, CategoryId = categoryId, Bbox = [box.X1, box.Y1, w, h], Area = w * h, IsCrowd = crowd ? 1 : 0 };
    }
}
