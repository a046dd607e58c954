namespace RetinaSharp.Reporting;

/// <summary>
/// One line of the per-class table. Precision, recall and F1 are at the table's confidence
/// threshold and IoU 0.5; AP50 and AP are the COCO metrics'. A value that does not exist (a class
/// without ground truth, a class with no detection above the threshold for precision) is NaN.
/// </summary>
/// <param name="Label">The class's label, or -1 for the row of all classes.</param>
/// <param name="Images">Images holding at least one box of the class.</param>
/// <param name="Instances">Its ground-truth boxes, ignore regions not included.</param>
public sealed record PerClassRow(int Label, long? CategoryId, string Name, int Images, int Instances, double Precision, double Recall, double F1,
    double AP50, double AP);
