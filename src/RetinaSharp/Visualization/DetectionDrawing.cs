using System.Globalization;
using RetinaSharp.Imaging;
using RetinaSharp.Imaging.Drawing;
using RetinaSharp.Structures;

namespace RetinaSharp.Visualization;

/// <summary>Draws detections onto images for galleries and `retina predict --draw`.</summary>
public static class DetectionDrawing
{
    /// <summary>A box in the class's palette colour with a "name score" label above it.</summary>
    public static void DrawLabelledBox(RgbImage image, Box box, string text, int label, int thickness = 2) =>
        Draw.LabelledBox(image, box.X1, box.Y1, box.X2, box.Y2, text, ClassPalette.ColorFor(label), thickness);

    /// <summary>Draws every detection scoring at least <paramref name="minScore"/>, labelled "name score".</summary>
    public static void DrawDetections(RgbImage image, IEnumerable<Detection> detections, Func<int, string> className, float minScore)
    {
        foreach (var d in detections)
            if (d.Score >= minScore)
                DrawLabelledBox(image, d.Box, $"{className(d.Label)} {d.Score.ToString("F2", CultureInfo.InvariantCulture)}", d.Label);
    }
}
