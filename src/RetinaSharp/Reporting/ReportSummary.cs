using System.Text.Json;
using System.Text.Json.Nodes;
using RetinaSharp.Evaluation;

namespace RetinaSharp.Reporting;

/// <summary>
/// summary.json of a report: the 12 COCO numbers under their names (AP, AP50, …, ARl; -1 where
/// COCO has no ground truth), the confidence threshold and counts, one entry per class, then the
/// caller's additions. Non-finite numbers are written as null, which JSON readers accept.
/// </summary>
public static class ReportSummary
{
    private static readonly HashSet<string> OwnKeys =
        [.. CocoEvalResult.StatNames, "confidence_threshold", "iou_threshold", "score_threshold", "images", "instances", "detections", "per_class"];

    public static void Write(string path, CocoEvalResult result, PerClassTable table, ConfusionMatrix matrix, int images, int detections,
        IReadOnlyDictionary<string, JsonNode?> extra)
    {
        foreach (var key in extra.Keys)
            if (OwnKeys.Contains(key)) throw new ArgumentException($"\"{key}\" is a key of the report's own; give the addition another name.", nameof(extra));
        AtomicFile.Write(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            for (int s = 0; s < result.Stats.Count; s++) Number(w, CocoEvalResult.StatNames[s], result.Stats[s]);
            Number(w, "confidence_threshold", table.ConfidenceThreshold);
            Number(w, "iou_threshold", matrix.IouThreshold);
            // Through decimal, so 0.3f is written 0.3 rather than its binary expansion.
            Number(w, "score_threshold", (double)(decimal)matrix.ScoreThreshold);
            w.WriteNumber("images", images);
            w.WriteNumber("instances", table.All.Instances);
            w.WriteNumber("detections", detections);
            w.WriteStartArray("per_class");
            foreach (var r in table.Rows)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Name);
                if (r.CategoryId is long id) w.WriteNumber("category_id", id);
                w.WriteNumber("images", r.Images);
                w.WriteNumber("instances", r.Instances);
                Number(w, "precision", r.Precision);
                Number(w, "recall", r.Recall);
                Number(w, "f1", r.F1);
                Number(w, "AP50", r.AP50);
                Number(w, "AP", r.AP);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            foreach (var (key, value) in extra)
            {
                w.WritePropertyName(key);
                if (value is null) w.WriteNullValue();
                else value.WriteTo(w);
            }
            w.WriteEndObject();
        });
    }

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
