namespace RetinaSharp.Imaging.Drawing;

/// <summary>Draws detections onto images for galleries and `retina predict --draw`.</summary>
public static class DetectionDrawing
{
    /// <summary>A box in the class's palette colour with a "name score" label above it.</summary>
    public static void DrawLabelledBox(RgbImage image, float x1, float y1, float x2, float y2, string text, int label, int thickness = 2) =>
        Draw.LabelledBox(image, x1, y1, x2, y2, text, ClassPalette.ColorFor(label), thickness);
}
