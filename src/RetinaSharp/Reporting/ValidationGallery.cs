using System.Globalization;
using RetinaSharp.Data;
using RetinaSharp.Imaging;
using RetinaSharp.Imaging.Drawing;
using RetinaSharp.Structures;
using RetinaSharp.Visualization;

namespace RetinaSharp.Reporting;

/// <summary>
/// A few images of a data set, each saved as one PNG with the ground truth on the left and the
/// detections scoring at least a threshold on the right, scaled to a common size first so that
/// labels stay legible whatever the image size.
/// </summary>
public static class ValidationGallery
{
    /// <summary>The longer side of each half, in pixels.</summary>
    public const int PanelSize = 480;

    private const int Gap = 8;
    private const int HeaderHeight = 24;
    private static readonly RgbColor IgnoreColor = new(150, 150, 150);

    /// <summary>
    /// Writes up to <paramref name="count"/> images, spread evenly over the set, into
    /// <paramref name="folder"/>; an image that cannot be read is passed over for the next one.
    /// Returns the file names written, in order.
    /// </summary>
    public static List<string> Write(string folder, IDetectionDataset dataset, IReadOnlyList<ImageDetections> detections, Func<int, long>? categoryIdOf,
        int count, float scoreThreshold) =>
        Write(folder, dataset, AlignedImage.Align(dataset, detections, categoryIdOf), count, scoreThreshold);

    internal static List<string> Write(string folder, IDetectionDataset dataset, IReadOnlyList<AlignedImage> images, int count, float scoreThreshold)
    {
        var written = new List<string>();
        if (count <= 0 || images.Count == 0) return written;
        Directory.CreateDirectory(folder);
        var used = new HashSet<int>();
        for (int i = 0; i < count && written.Count < count; i++)
        {
            // Evenly spaced picks; a pick that cannot be read moves on to the next image not yet used.
            for (int index = (int)((long)i * images.Count / count); index < images.Count; index++)
            {
                if (!used.Add(index)) continue;
                RgbImage source;
                try
                {
                    source = dataset.LoadImage(images[index].Index);
                }
                catch (InvalidImageException)
                {
                    continue;
                }
                var name = string.Create(CultureInfo.InvariantCulture, $"image_{images[index].Info.ImageId}.png");
                ImageFile.SavePng(Path.Combine(folder, name), Compose(source, images[index], dataset.Classes, scoreThreshold));
                written.Add(name);
                break;
            }
        }
        return written;
    }

    private static RgbImage Compose(RgbImage source, AlignedImage image, ClassList classes, float scoreThreshold)
    {
        // Large images shrink to the panel; small ones grow (up to 4 times) so their labels fit.
        double scale = Math.Min(4.0, PanelSize / (double)Math.Max(source.Width, source.Height));
        int w = Math.Max(1, (int)Math.Round(source.Width * scale)), h = Math.Max(1, (int)Math.Round(source.Height * scale));
        var truth = Resize(source, w, h);
        var predicted = Resize(source, w, h);
        var a = image.Truth;
        for (int k = 0; k < a.IgnoreBoxes.Length; k++)
        {
            var b = Scale(a.IgnoreBoxes[k], scale);
            Draw.LabelledBox(truth, b.X1, b.Y1, b.X2, b.Y2, "ignore " + classes.NameOf(a.IgnoreLabels[k]), IgnoreColor, 1);
        }
        for (int k = 0; k < a.Boxes.Length; k++) DetectionDrawing.DrawLabelledBox(truth, Scale(a.Boxes[k], scale), classes.NameOf(a.Labels[k]), a.Labels[k]);
        var shown = new List<Detection>();
        // Lowest scores first, so the confident boxes are drawn on top.
        for (int d = image.Detections.Length - 1; d >= 0; d--)
        {
            var det = image.Detections[d];
            if (det.Score >= scoreThreshold) shown.Add(det with { Box = Scale(det.Box, scale) });
        }
        DetectionDrawing.DrawDetections(predicted, shown, classes.NameOf, scoreThreshold);

        // Room for the headers even beside a small image.
        int slot = Math.Max(w, 200), width = 2 * slot + Gap, height = h + HeaderHeight;
        var canvas = new RgbImage(width, height);
        Array.Fill(canvas.Pixels, (byte)255);
        Paste(canvas, truth, 0, HeaderHeight);
        Paste(canvas, predicted, slot + Gap, HeaderHeight);
        int textScale = slot >= 400 ? 2 : 1;
        Draw.Text(canvas, $"ground truth ({a.Boxes.Length})", 2, 3, RgbColor.Black, textScale);
        Draw.Text(canvas, FormattableString.Invariant($"detections, score >= {scoreThreshold:0.##} ({shown.Count})"), slot + Gap + 2, 3, RgbColor.Black, textScale);
        return canvas;
    }

    private static Box Scale(Box b, double s) => new((float)(b.X1 * s), (float)(b.Y1 * s), (float)(b.X2 * s), (float)(b.Y2 * s));

    private static void Paste(RgbImage canvas, RgbImage image, int x, int y)
    {
        for (int row = 0; row < image.Height && y + row < canvas.Height; row++)
        {
            int n = Math.Min(image.Width, canvas.Width - x);
            if (n <= 0) return;
            image.Row(row)[..(n * 3)].CopyTo(canvas.Row(y + row).Slice(x * 3));
        }
    }

    /// <summary>
    /// Box-filter resize: each output pixel averages the source pixels under it (one of them when
    /// enlarging), which keeps thin lines and text visible when shrinking, unlike point sampling.
    /// </summary>
    private static RgbImage Resize(RgbImage source, int width, int height)
    {
        if (width == source.Width && height == source.Height) return new RgbImage(width, height, (byte[])source.Pixels.Clone());
        var result = new RgbImage(width, height);
        double sx = source.Width / (double)width, sy = source.Height / (double)height;
        for (int y = 0; y < height; y++)
        {
            int y0 = Math.Min(source.Height - 1, (int)(y * sy)), y1 = Math.Clamp((int)Math.Ceiling((y + 1) * sy), y0 + 1, source.Height);
            var outRow = result.Row(y);
            for (int x = 0; x < width; x++)
            {
                int x0 = Math.Min(source.Width - 1, (int)(x * sx)), x1 = Math.Clamp((int)Math.Ceiling((x + 1) * sx), x0 + 1, source.Width);
                int r = 0, g = 0, b = 0;
                for (int yy = y0; yy < y1; yy++)
                {
                    var row = source.Row(yy);
                    for (int xx = x0; xx < x1; xx++)
                    {
                        r += row[xx * 3];
                        g += row[xx * 3 + 1];
                        b += row[xx * 3 + 2];
                    }
                }
                int n = (y1 - y0) * (x1 - x0);
                outRow[x * 3] = (byte)((r + n / 2) / n);
                outRow[x * 3 + 1] = (byte)((g + n / 2) / n);
                outRow[x * 3 + 2] = (byte)((b + n / 2) / n);
            }
        }
        return result;
    }
}
