using System.Globalization;
using System.Xml;
using RetinaSharp.Structures;

namespace RetinaSharp.Data.Conversion;

/// <summary>
/// A data set as a Pascal VOC folder: Annotations/{id}.xml, JPEGImages/, ImageSets/Main/{split}.txt
/// and classes.txt (the class names in label order, for <c>--classes</c>: the VOC reader otherwise
/// expects the 20 Pascal classes). Coordinates follow VOC's 1-based convention, as the reader expects;
/// ignore regions become difficult objects.
/// </summary>
internal static class VocDatasetWriter
{
    public static ConversionResult Write(IDetectionDataset dataset, string root, string[] names, ConversionOptions options)
    {
        var annotations = Path.Combine(root, "Annotations");
        Directory.CreateDirectory(annotations);
        var ids = new List<string>(dataset.Count);
        int boxes = 0, ignores = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            var info = dataset.GetInfo(i);
            var fileName = Path.GetFileName(names[i]);
            var id = Path.GetFileNameWithoutExtension(fileName);
            ids.Add(id);
            var a = dataset.GetAnnotations(i);
            boxes += a.Boxes.Length;
            ignores += a.IgnoreBoxes.Length;
            AtomicFile.Write(Path.Combine(annotations, id + ".xml"), s => WriteXml(s, dataset.Classes, fileName, info.Size, a));
        }
        AtomicFile.WriteAllText(Path.Combine(root, "ImageSets", "Main", options.VocSplit + ".txt"), string.Join('\n', ids) + (ids.Count > 0 ? "\n" : ""));
        var classes = new System.Text.StringBuilder();
        foreach (var c in dataset.Classes) classes.Append(c.Name).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(root, "classes.txt"), classes.ToString());
        return new ConversionResult(dataset.Count, boxes, ignores, 0);
    }

    private static void WriteXml(Stream stream, ClassList classes, string fileName, ImageSize size, ImageAnnotations a)
    {
        using var w = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true });
        w.WriteStartElement("annotation");
        w.WriteElementString("folder", "JPEGImages");
        w.WriteElementString("filename", fileName);
        w.WriteStartElement("size");
        w.WriteElementString("width", size.Width.ToString(CultureInfo.InvariantCulture));
        w.WriteElementString("height", size.Height.ToString(CultureInfo.InvariantCulture));
        w.WriteElementString("depth", "3");
        w.WriteEndElement();
        for (int k = 0; k < a.Boxes.Length; k++) WriteObject(w, classes.NameOf(a.Labels[k]), a.Boxes[k], difficult: false);
        for (int k = 0; k < a.IgnoreBoxes.Length; k++) WriteObject(w, classes.NameOf(a.IgnoreLabels[k]), a.IgnoreBoxes[k], difficult: true);
        w.WriteEndElement();
    }

    private static void WriteObject(XmlWriter w, string name, Box b, bool difficult)
    {
        w.WriteStartElement("object");
        w.WriteElementString("name", name);
        w.WriteElementString("difficult", difficult ? "1" : "0");
        w.WriteStartElement("bndbox");
        // VOC pixels are 1-based and inclusive: the reader maps xmin to xmin − 1 and keeps xmax.
        w.WriteElementString("xmin", CoordinateText.Format(b.X1 + 1));
        w.WriteElementString("ymin", CoordinateText.Format(b.Y1 + 1));
        w.WriteElementString("xmax", CoordinateText.Format(b.X2));
        w.WriteElementString("ymax", CoordinateText.Format(b.Y2));
        w.WriteEndElement();
        w.WriteEndElement();
    }
}
