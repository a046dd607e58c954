namespace RetinaSharp.Data;

public enum DatasetFormat
{
    /// <summary>COCO instances JSON plus an image folder.</summary>
    Coco,

    /// <summary>Pascal VOC folder (Annotations, JPEGImages, ImageSets/Main).</summary>
    Voc,

    /// <summary>keras-retinanet CSV plus a classes file.</summary>
    Csv,
}
