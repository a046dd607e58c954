using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Resize;

public sealed class BilinearResizeTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        int n = TransformFixtures.Manifest.GetProperty("resize").GetArrayLength();
        for (int i = 0; i < n; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTorchInterpolate(int index)
    {
        var c = TransformFixtures.Manifest.GetProperty("resize")[index];
        var input = TransformFixtures.Array(c.GetProperty("input").GetString()!);
        var expected = TransformFixtures.Array(c.GetProperty("output").GetString()!);
        int channels = input.Shape[0], h = input.Shape[1], w = input.Shape[2];
        int outH = c.GetProperty("outHeight").GetInt32(), outW = c.GetProperty("outWidth").GetInt32();
        if (c.GetProperty("scale").ValueKind == System.Text.Json.JsonValueKind.Number)
        {
            double scale = c.GetProperty("scale").GetDouble();
            Assert.Equal(outH, BilinearResize.ScaledSize(h, scale));
            Assert.Equal(outW, BilinearResize.ScaledSize(w, scale));
        }
        var want = expected.AsFloat32();
        foreach (int threads in new[] { 1, 4 })
        {
            var got = BilinearResize.Resize(input.AsFloat32(), channels, h, w, outH, outW, threads);
            Assert.Equal(want.Length, got.Length);
            float maxDiff = 0;
            for (int i = 0; i < want.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(want[i] - got[i]));
            Assert.True(maxDiff <= 1e-5f, $"case {index}: max abs diff {maxDiff}");
        }
    }

    [Fact]
    public void HandComputedTwoByTwoUpscale()
    {
        // 1×2 → 1×4: ratio 0.5, source x = 0.5·(i + 0.5) − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (last pixel).
        var got = BilinearResize.Resize([10f, 20f], 1, 1, 2, 1, 4);
        Assert.Equal([10f, 12.5f, 17.5f, 20f], got);
    }

    [Fact]
    public void RejectsEmptyOutput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BilinearResize.Resize(new float[6], 1, 2, 3, 0, 3));
    }
}
