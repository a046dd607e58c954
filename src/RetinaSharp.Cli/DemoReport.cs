using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using RetinaSharp.Data.Coco;
using RetinaSharp.Evaluation;
using RetinaSharp.Imaging;
using RetinaSharp.Reporting;
using RetinaSharp.Training;
using RetinaSharp.Training.Metrics;
using RetinaSharp.Visualization;

namespace RetinaSharp.Cli;

/// <summary>The demo's HTML report: curves, COCO numbers, precision–recall, a detection gallery and the configuration.</summary>
internal static class DemoReport
{
    /// <summary>Only confident detections go into the gallery, so the pictures stay readable.</summary>
    private const float GalleryMinScore = 0.4f;

    public static string Write(string outDir, RetinaNetDetector detector, CocoDetectionDataset val, CocoEvalResult eval, TrainingOptions options,
        TrainingResult result, TimeSpan total, int galleryImages = 12)
    {
        var galleryDir = Path.Combine(outDir, "gallery");
        Directory.CreateDirectory(galleryDir);
        var gallery = new List<string>();
        for (int i = 0; i < Math.Min(galleryImages, val.Count); i++)
        {
            var image = val.LoadImage(i);
            var dets = detector.Detect(image);
            DetectionDrawing.DrawDetections(image, dets, detector.ClassName, GalleryMinScore);
            var name = $"val_{val.GetInfo(i).ImageId:D6}.png";
            ImageFile.SavePng(Path.Combine(galleryDir, name), image);
            gallery.Add(name);
        }

        var steps = new List<double>(); var loss = new List<double>(); var cls = new List<double>(); var box = new List<double>();
        var lr = new List<double>();
        var metricsPath = Path.Combine(outDir, "run", "metrics.jsonl");
        if (File.Exists(metricsPath))
        {
            foreach (var r in MetricsLog.Read(metricsPath).Steps)
            {
                steps.Add(r.Iteration);
                loss.Add(r.Loss);
                cls.Add(r.Classification);
                box.Add(r.BoxRegression);
                lr.Add(r.LearningRate);
            }
        }
        var lossChart = new SvgLineChart("Training loss", "iteration", "loss", logY: true).Add("total", steps, loss).Add("focal", steps, cls).Add("box", steps, box).Render();
        var lrChart = new SvgLineChart("Learning rate", "iteration", "lr").Add("lr", steps, lr).Render();
        var pr = new SvgLineChart("Precision–recall (IoU 0.5, all areas, 100 detections)", "recall", "precision");
        var acc = eval.Accumulation;
        var recall = acc.RecallThresholds.ToArray();
        for (int k = 0; k < acc.CategoryIds.Count; k++)
        {
            var p = recall.Select((_, r) => Math.Max(0, acc.Precision(0, r, k, 0, acc.MaxDetections.Count - 1))).ToArray();
            var name = eval.PerCategory.FirstOrDefault(c => c.CategoryId == acc.CategoryIds[k])?.Name ?? acc.CategoryIds[k].ToString(CultureInfo.InvariantCulture);
            pr.Add(name, recall, p);
        }

        var sb = new StringBuilder();
        sb.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>RetinaSharp demo</title><style>")
          .Append("body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
          .Append(".g img{width:256px;margin:3px;border:1px solid #ccc}pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>");
        sb.Append("<h1>RetinaSharp demo</h1>");
        sb.Append(CultureInfo.InvariantCulture, $"<p>{result.Iterations} training steps in {result.Elapsed.TotalMinutes:F1} min ({WebUtility.HtmlEncode(result.StopReason.ToString())}); whole run {total.TotalMinutes:F1} min. Validation: {val.Count} images.</p>");
        sb.Append("<h2>COCO metrics</h2><table><tr>");
        foreach (var n in CocoEvalResult.StatNames) sb.Append("<th>").Append(n).Append("</th>");
        sb.Append("</tr><tr>");
        foreach (var v in eval.Stats) sb.Append(CultureInfo.InvariantCulture, $"<td>{v:F3}</td>");
        sb.Append("</tr></table><h3>Per class</h3><table><tr><th>class</th><th>AP</th><th>AP50</th></tr>");
        foreach (var c in eval.PerCategory) sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{WebUtility.HtmlEncode(c.Name)}</td><td>{c.AP:F3}</td><td>{c.AP50:F3}</td></tr>");
        sb.Append("</table><h2>Training</h2>").Append(lossChart).Append(lrChart);
        sb.Append("<h2>Precision–recall</h2>").Append(pr.Render());
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Detections (score ≥ {GalleryMinScore})</h2><div class=\"g\">");
        foreach (var g in gallery) sb.Append(CultureInfo.InvariantCulture, $"<img src=\"gallery/{g}\" alt=\"{g}\">");
        sb.Append("</div><h2>Configuration</h2><pre>").Append(WebUtility.HtmlEncode(options.ToJson())).Append("</pre></body></html>");
        var path = Path.Combine(outDir, "report.html");
        AtomicFile.WriteAllText(path, sb.ToString());
        return path;
    }
}
