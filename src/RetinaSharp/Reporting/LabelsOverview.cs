using System.Globalization;
using RetinaSharp.Data;
using RetinaSharp.Imaging.Drawing;

namespace RetinaSharp.Reporting;

/// <summary>
/// What the ground truth of a data set looks like, as ultralytics' labels plot shows it: boxes per
/// class, box sizes (square root of the area, against COCO's small/medium/large limits), aspect
/// ratios on a log axis, and where box centres lie in the image. Ignore regions are left out.
/// </summary>
public sealed class LabelsOverview
{
    private readonly List<double> _sizes = [];
    private readonly List<double> _logRatios = [];
    private readonly List<(double X, double Y)> _centres = [];
    private readonly int[] _instances;
    private readonly ClassList _classes;

    private LabelsOverview(ClassList classes)
    {
        _classes = classes;
        _instances = new int[classes.Count];
    }

    public IReadOnlyList<int> InstancesPerClass => _instances;

    /// <summary>Square roots of the box areas, in pixels.</summary>
    public IReadOnlyList<double> Sizes => _sizes;

    /// <summary>Box centres as fractions of the image's width and height (images of unknown size are left out).</summary>
    public IReadOnlyList<(double X, double Y)> Centres => _centres;

    public static LabelsOverview Compute(IDetectionDataset dataset)
    {
        var overview = new LabelsOverview(dataset.Classes);
        for (int i = 0; i < dataset.Count; i++)
        {
            var size = dataset.GetInfo(i).Size;
            var a = dataset.GetAnnotations(i);
            for (int k = 0; k < a.Boxes.Length; k++)
            {
                var b = a.Boxes[k];
                overview._instances[a.Labels[k]]++;
                overview._sizes.Add(Math.Sqrt(Math.Max(0, (double)b.Width * b.Height)));
                if (b.Width > 0 && b.Height > 0) overview._logRatios.Add(Math.Log2((double)b.Width / b.Height));
                if (size.IsKnown) overview._centres.Add(((b.X1 + b.X2) / 2.0 / size.Width, (b.Y1 + b.Y2) / 2.0 / size.Height));
            }
        }
        return overview;
    }

    /// <summary>Boxes per class, each bar in the class's colour in the gallery.</summary>
    public string InstancesChart()
    {
        var chart = new SvgBarChart("Ground-truth boxes per class", "class", "boxes");
        for (int c = 0; c < _instances.Length; c++)
        {
            var color = ClassPalette.ColorFor(c);
            chart.Add(_classes.NameOf(c), _instances[c], FormattableString.Invariant($"#{color.R:x2}{color.G:x2}{color.B:x2}"));
        }
        return chart.Render();
    }

    public string SizeChart()
    {
        const int bins = 40;
        double max = _sizes.Count == 0 ? 100 : Svg.NiceCeiling(_sizes.Max());
        var chart = new SvgHistogram($"Box size ({_sizes.Count} boxes)", "√(box area) in pixels", "boxes")
            .Bins(SvgHistogram.Edges(0, max, bins), SvgHistogram.Count(_sizes, 0, max, bins));
        // COCO's APs/APm/APl limits: areas of 32² and 96² pixels.
        chart.Marker(32, "small | medium").Marker(96, "medium | large");
        return chart.Render();
    }

    public string AspectRatioChart()
    {
        // Ratios from 1/16 to 16 on a log axis, so tall and wide boxes are drawn alike; beyond, they join the end bins.
        const double limit = 4;
        const int bins = 32;
        var ticks = new List<(double, string)>();
        for (int p = -4; p <= 4; p++)
            ticks.Add((p, p < 0 ? "1/" + (1 << -p).ToString(CultureInfo.InvariantCulture) : (1 << p).ToString(CultureInfo.InvariantCulture)));
        return new SvgHistogram($"Aspect ratio ({_logRatios.Count} boxes)", "width / height (log scale)", "boxes") { XTicks = ticks }
            .Bins(SvgHistogram.Edges(-limit, limit, bins), SvgHistogram.Count(_logRatios, -limit, limit, bins))
            .Render();
    }

    public string CentreChart()
    {
        // y points down, so the picture has the same orientation as the images.
        var chart = new SvgScatterChart("Box centres", "x / image width", "y / image height") { InvertY = true };
        foreach (var (x, y) in _centres) chart.Add(x, y);
        return chart.Render();
    }
}
