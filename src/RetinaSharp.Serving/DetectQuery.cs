using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace RetinaSharp.Serving;

/// <summary>The query options of <c>POST /v1/detect</c>, applied after the model's own threshold and limit.</summary>
internal sealed record DetectQuery(float ScoreThreshold, int? MaxDetections)
{
    public const int MaxDetectionsLimit = 100_000;

    public static bool TryParse(IQueryCollection query, out DetectQuery parsed, out string problem)
    {
        parsed = new DetectQuery(0f, null);
        problem = "";
        float threshold = 0f;
        if (query.TryGetValue("score_threshold", out var t))
        {
            if (t.Count != 1 || !float.TryParse(t[0], NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || !(threshold >= 0 && threshold <= 1))
            {
                problem = $"score_threshold must be one number in [0, 1], got '{t}'.";
                return false;
            }
        }
        int? max = null;
        if (query.TryGetValue("max_detections", out var m))
        {
            if (m.Count != 1 || !int.TryParse(m[0], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > MaxDetectionsLimit)
            {
                problem = $"max_detections must be one integer in [1, {MaxDetectionsLimit}], got '{m}'.";
                return false;
            }
            max = n;
        }
        parsed = new DetectQuery(threshold, max);
        return true;
    }
}
