using System.Text;
using RetinaSharp.Structures;

namespace RetinaSharp.Data.Conversion;

/// <summary>
/// A data set as keras-retinanet CSV (<c>path,x1,y1,x2,y2,class</c>; <c>path,,,,,</c> for an image
/// without boxes) with classes.csv (<c>class,id</c>, the category ids kept) beside it. CSV has no
/// ignore regions: they are left out and counted.
/// </summary>
internal static class CsvDatasetWriter
{
    public static ConversionResult Write(IDetectionDataset dataset, string path, string[] names)
    {
        var text = new StringBuilder();
        int boxes = 0, dropped = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            var a = dataset.GetAnnotations(i);
            var file = Field(names[i]);
            if (a.Boxes.Length == 0) text.Append(file).Append(",,,,,\n");
            for (int k = 0; k < a.Boxes.Length; k++, boxes++)
            {
                Box b = a.Boxes[k];
                text.Append(file).Append(',').Append(CoordinateText.Format(b.X1)).Append(',').Append(CoordinateText.Format(b.Y1)).Append(',')
                    .Append(CoordinateText.Format(b.X2)).Append(',').Append(CoordinateText.Format(b.Y2)).Append(',')
                    .Append(Field(dataset.Classes.NameOf(a.Labels[k]))).Append('\n');
            }
            dropped += a.IgnoreBoxes.Length;
        }
        var classes = new StringBuilder();
        foreach (var c in dataset.Classes) classes.Append(Field(c.Name)).Append(',').Append(c.CategoryId).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "classes.csv"), classes.ToString());
        AtomicFile.WriteAllText(path, text.ToString());
        return new ConversionResult(dataset.Count, boxes, 0, dropped);
    }

    /// <summary>Quotes a field that holds a comma, quote or line break (RFC 4180), as the reader expects.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
