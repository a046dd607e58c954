using System.Security.Cryptography;
using RetinaSharp.Checkpoints;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Tests.Checkpoints;

public sealed class WeightsHashTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("resnet50-11ad3fa6.pth", "11ad3fa6")]
    [InlineData("retinanet_resnet50_fpn_v2_coco-5905b1c5.pth", "5905b1c5")]
    [InlineData("/some/folder/a-b-0123456789abcdef.tar.gz", "0123456789abcdef")]
    [InlineData("resnet50.pth", null)]
    [InlineData("resnet50-11ad3fa6", null)]
    [InlineData("resnet50-.pth", null)]
    [InlineData("resnet50-11AD3FA6.pth", null)]
    [InlineData("resnet50-v2.pth", null)]
    public void The_prefix_is_the_lowercase_hex_after_the_last_dash(string fileName, string? prefix) =>
        Assert.Equal(prefix, WeightsHash.PrefixOf(fileName));

    [Fact]
    public void A_file_named_after_its_sha256_matches_and_one_named_otherwise_does_not()
    {
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        var digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var path = _temp[$"tiny-{digest[..10]}.pth"];
        File.WriteAllBytes(path, bytes);

        Assert.Equal(digest, WeightsHash.Sha256(path));
        Assert.True(WeightsHash.Matches(WeightsHash.Sha256(path), WeightsHash.PrefixOf(path)));
        var wrong = (digest[0] == '0' ? "1" : "0") + digest[1..8];
        Assert.False(WeightsHash.Matches(digest, wrong));
        Assert.True(WeightsHash.Matches(digest, null));
    }
}
