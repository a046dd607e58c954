namespace RetinaSharp.Data.Coco;

/// <summary>The image_id a results file gives each image file.</summary>
public static class CocoImageIds
{
    /// <summary>
    /// From a COCO file's images list by file name when one is given (a file it does not list is an
    /// error); otherwise the file name's stem when it is a number (COCO's 000000139.jpg), else the
    /// file's position in the list counting from 1.
    /// </summary>
    public static long[] For(IReadOnlyList<string> files, CocoFile? images = null, string? imagesSource = null)
    {
        Dictionary<string, long>? byName = null;
        if (images != null)
        {
            byName = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var image in images.Images) byName[Path.GetFileName(image.FileName)] = image.Id;
        }
        var ids = new long[files.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            var name = Path.GetFileName(files[i]);
            if (byName != null)
                ids[i] = byName.TryGetValue(name, out var id) ? id : throw new InvalidDataException($"{files[i]}: not listed in {imagesSource ?? "the images file"}.");
            else
                ids[i] = long.TryParse(Path.GetFileNameWithoutExtension(name), out var n) ? n : i + 1;
        }
        return ids;
    }
}
