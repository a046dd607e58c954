using RetinaSharp.Imaging.Png;
using Xunit;

namespace RetinaSharp.Imaging.Tests.Png;

public sealed class PngFilterTests
{
    [Theory]
    [InlineData(200, 100, 50, 200)] // p = 250: a is nearest
    [InlineData(10, 20, 10, 20)]    // p = 20: b is exact
    [InlineData(1, 5, 3, 3)]        // p = 3: c is exact
    [InlineData(5, 5, 5, 5)]        // three-way tie goes to a
    [InlineData(1, 7, 3, 7)]        // b and c both 2 away: b wins
    [InlineData(0, 255, 255, 0)]    // p = 0 (no wrap-around in the predictor)
    public void Paeth_predictor_matches_hand_values(byte a, byte b, byte c, byte expected) =>
        Assert.Equal(expected, PngFilter.Predict(a, b, c));

    [Theory]
    [InlineData(PngFilter.None, 1, new byte[] { 1, 2 }, new byte[] { 100, 200 }, new byte[] { 1, 2 })]
    [InlineData(PngFilter.Sub, 2, new byte[] { 1, 2, 3, 4 }, new byte[] { 9, 9, 9, 9 }, new byte[] { 1, 2, 4, 6 })]
    [InlineData(PngFilter.Up, 1, new byte[] { 1, 200 }, new byte[] { 100, 100 }, new byte[] { 101, 44 })]
    // Average: 1 + 100/2 = 51, then 2 + (51 + 200)/2 = 127 (the sum is taken before halving, without wrap).
    [InlineData(PngFilter.Average, 1, new byte[] { 1, 2 }, new byte[] { 100, 200 }, new byte[] { 51, 127 })]
    // Paeth: 1 + b(100) = 101; then a=101, b=200, c=100 predicts b: 2 + 200 = 202.
    [InlineData(PngFilter.Paeth, 1, new byte[] { 1, 2 }, new byte[] { 100, 200 }, new byte[] { 101, 202 })]
    public void Unfilter_matches_hand_values(byte type, int stride, byte[] filtered, byte[] prior, byte[] expected)
    {
        var row = (byte[])filtered.Clone();
        Assert.True(PngFilter.TryUnfilter(type, row, prior, stride));
        Assert.Equal(expected, row);
    }

    [Fact]
    public void Undefined_filter_type_is_reported()
    {
        Assert.False(PngFilter.TryUnfilter(5, new byte[3], new byte[3], 1));
        Assert.False(PngFilter.TryUnfilter(255, new byte[3], new byte[3], 1));
    }

    [Fact]
    public void Apply_then_unfilter_restores_every_row()
    {
        var rng = new Random(12);
        foreach (int stride in new[] { 1, 2, 3, 4, 6, 8 })
        {
            foreach (int length in new[] { 1, stride, 3 * stride + 1, 50 })
            {
                var row = new byte[length];
                var prior = new byte[length];
                rng.NextBytes(row);
                rng.NextBytes(prior);
                for (byte type = 0; type <= 4; type++)
                {
                    var filtered = new byte[length];
                    PngFilter.Apply(type, row, prior, stride, filtered);
                    Assert.True(PngFilter.TryUnfilter(type, filtered, prior, stride));
                    Assert.Equal(row, filtered);
                }
            }
        }
    }

    [Theory]
    [InlineData("123456789", 0xCBF43926u)] // the standard CRC-32 check value
    [InlineData("IEND", 0xAE426082u)]      // the CRC every PNG ends with
    [InlineData("", 0u)]
    public void Crc32_matches_known_values(string text, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(System.Text.Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Crc32_matches_bitwise_polynomial_division_at_every_length()
    {
        var rng = new Random(8);
        var data = new byte[1000];
        rng.NextBytes(data);
        foreach (int length in Enumerable.Range(0, 41).Append(999).Append(1000))
        {
            // Reference: the reflected CRC one bit at a time, no tables.
            uint reference = 0xFFFFFFFF;
            foreach (var b in data.AsSpan(0, length))
            {
                reference ^= b;
                for (int k = 0; k < 8; k++) reference = (reference >> 1) ^ ((reference & 1) * 0xEDB88320u);
            }
            Assert.Equal(reference ^ 0xFFFFFFFF, Crc32.Compute(data.AsSpan(0, length)));
            // Split updates agree with one pass.
            uint split = Crc32.Update(Crc32.Update(0xFFFFFFFF, data.AsSpan(0, length / 3)), data.AsSpan(length / 3, length - length / 3));
            Assert.Equal(reference ^ 0xFFFFFFFF, split ^ 0xFFFFFFFF);
        }
    }
}
