using System.Text.Json;
using RetinaSharp.Structures;
using Xunit;

namespace RetinaSharp.Serving.Tests;

/// <summary>Compares a <c>/v1/detect</c> answer with the detector's own result, number for number as serialised.</summary>
internal static class DetectionAssert
{
    public static void Same(ImageDetections expected, RetinaNetDetector detector, JsonElement json, int? take = null)
    {
        Assert.Equal(expected.Size.Width, json.GetProperty("width").GetInt32());
        Assert.Equal(expected.Size.Height, json.GetProperty("height").GetInt32());
        Assert.True(json.GetProperty("milliseconds").GetDouble() >= 0);
        var items = json.GetProperty("detections");
        var wanted = expected.Detections.Take(take ?? int.MaxValue).ToList();
        Assert.Equal(wanted.Count, items.GetArrayLength());
        int i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var d = wanted[i++];
            var box = item.GetProperty("box");
            Assert.Equal(4, box.GetArrayLength());
            Assert.Equal(d.Box.X1, box[0].GetSingle());
            Assert.Equal(d.Box.Y1, box[1].GetSingle());
            Assert.Equal(d.Box.X2, box[2].GetSingle());
            Assert.Equal(d.Box.Y2, box[3].GetSingle());
            Assert.Equal(d.Score, item.GetProperty("score").GetSingle());
            Assert.Equal(d.Label, item.GetProperty("label").GetInt32());
            Assert.Equal(detector.CategoryIdOf(d.Label), item.GetProperty("category_id").GetInt64());
            Assert.Equal(detector.ClassName(d.Label), item.GetProperty("name").GetString());
        }
    }
}
