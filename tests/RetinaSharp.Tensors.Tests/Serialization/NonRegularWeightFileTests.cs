using RetinaSharp.Tensors.Serialization;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Serialization;

/// <summary>A weights path that names a FIFO, a device or a directory is refused at once, without reading or blocking.</summary>
public sealed class NonRegularWeightFileTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static object? Read(string reader, string path) => reader switch
    {
        "pth" => TorchCheckpoint.LoadStateDict(path),
        "pth-object" => TorchCheckpoint.Load(path),
        "safetensors" => SafeTensors.Load(path),
        _ => throw new ArgumentOutOfRangeException(nameof(reader)),
    };

    [Theory]
    [InlineData("pth")]
    [InlineData("pth-object")]
    [InlineData("safetensors")]
    public async Task A_fifo_is_refused_without_blocking(string reader)
    {
        if (OperatingSystem.IsWindows()) return;
        using var files = new TempFiles();
        var fifo = SpecialFiles.CreateFifo(files.PathOf("weights.fifo"));
        var e = await SpecialFiles.ThrowsWithin(Limit, () => Read(reader, fifo), () => SpecialFiles.Release(fifo));
        Assert.IsType<CheckpointFormatException>(e);
        Assert.Contains(fifo, e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [Theory]
    [InlineData("pth")]
    [InlineData("pth-object")]
    [InlineData("safetensors")]
    public async Task A_device_is_refused_without_reading_it(string reader)
    {
        if (!File.Exists("/dev/zero")) return;
        var e = await SpecialFiles.ThrowsWithin(Limit, () => Read(reader, "/dev/zero"));
        Assert.IsType<CheckpointFormatException>(e);
        Assert.Contains("/dev/zero", e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [Theory]
    [InlineData("pth")]
    [InlineData("safetensors")]
    public void A_directory_is_refused_naming_it(string reader)
    {
        using var files = new TempFiles();
        var dir = files.PathOf("weights.pth");
        Directory.CreateDirectory(dir);
        var e = Assert.Throws<CheckpointFormatException>(() => Read(reader, dir));
        Assert.Contains(dir, e.Message);
        Assert.Contains("directory", e.Message);
    }

    [Theory]
    [InlineData("pth")]
    [InlineData("safetensors")]
    public void A_missing_file_still_says_it_cannot_be_read(string reader)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rs-missing-{Guid.NewGuid():N}");
        var e = Assert.Throws<CheckpointFormatException>(() => Read(reader, path));
        Assert.Contains(path, e.Message);
        Assert.Contains("cannot read", e.Message);
    }

    [Fact]
    public void A_symbolic_link_to_a_checkpoint_still_loads()
    {
        if (OperatingSystem.IsWindows()) return;
        using var files = new TempFiles();
        var target = files.Write("real.pth", TorchZip.Build(
            new PickleBuilder().Op((byte)'}', (byte)'(').Str("w").Tensor("0", 2, 0, [2], [1]).Op((byte)'u').Stop(),
            ("0", TorchZip.Floats(7f, 8f), false)));
        var link = files.PathOf("link.pth");
        File.CreateSymbolicLink(link, target);
        using var sd = TorchCheckpoint.LoadStateDict(link);
        Assert.Equal([7f, 8f], sd["w"].ToArray());
    }
}
