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
        var chart = new SvgBarChart("Ground-truth boxes per class", "class", "boxes", width: 560);
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
        // A few huge boxes would squeeze the rest into a couple of bins: the axis ends at the 99th
        // percentile and the last bin holds everything beyond.
        var sorted = _sizes.Order().ToList();
        double top = sorted.Count == 0 ? 100 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(0.99 * sorted.Count) - 1)];
        double max = Svg.NiceCeiling(Math.Max(top, 1));
        bool clipped = sorted.Count > 0 && sorted[^1] > max;
        var title = clipped
            ? string.Create(CultureInfo.InvariantCulture, $"Box size ({_sizes.Count} boxes; the last bin holds those above {max:0.##})")
            : $"Box size ({_sizes.Count} boxes)";
        var chart = new SvgHistogram(title, "√(box area) in pixels", "boxes")
            .Bins(SvgHistogram.Edges(0, max, bins), SvgHistogram.Count(_sizes, 0, max, bins));
        // COCO's APs/APm/APl limits: areas of 32² and 96² pixels.
        chart.Marker(32, "small | medium").Marker(96, "medium | large");
        return chart.Render();
    }

    public string AspectRatioChart()
    {
        // Ratios from 1/16 to 16 on a log axis, so tall and wide boxes are drawn alike; beyond, they join the end bins.
        // Bins are centred on the powers of two, so square boxes fall in one bin around 1 rather than beside it.
        const double half = 0.125, limit = 4 + half;
        const int bins = 33;
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
