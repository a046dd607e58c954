using RetinaSharp.Structures;

namespace RetinaSharp.Data;

/// <summary>
/// What a data set knows about one image without decoding it.
/// </summary>
/// <param name="ImageId">The image id (COCO image id; position in the list for VOC and CSV).</param>
/// <param name="Key">The image as the annotations name it (COCO file_name, VOC id, CSV path), for messages.</param>
/// <param name="FilePath">Full path of the image file.</param>
/// <param name="Size">Size from the annotations or the file header; not known (0×0) only when file checks were off.</param>
public sealed record SampleInfo(long ImageId, string Key, string FilePath, ImageSize Size);
