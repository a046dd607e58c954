using Xunit;

namespace RetinaSharp.Imaging.Tests;

/// <summary>Image paths that name a FIFO, a device, a directory or an oversized file are refused before they are read.</summary>
public sealed class ImageFileOpeningTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rs-open-{Guid.NewGuid():N}");

    public ImageFileOpeningTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static object? Open(string opener, string path) => opener switch
    {
        "load" => ImageFile.Load(path),
        "header" => ImageHeader.ReadSize(path),
        _ => throw new ArgumentOutOfRangeException(nameof(opener)),
    };

    [Theory]
    [InlineData("load")]
    [InlineData("header")]
    public async Task A_fifo_is_refused_without_blocking(string opener)
    {
        if (OperatingSystem.IsWindows()) return;
        var fifo = SpecialFiles.CreateFifo(Path.Combine(_dir, "image.png"));
        var e = await SpecialFiles.ThrowsWithin(Limit, () => Open(opener, fifo), () => SpecialFiles.Release(fifo));
        Assert.IsType<InvalidImageException>(e);
        Assert.Contains(fifo, e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [Theory]
    [InlineData("load")]
    [InlineData("header")]
    public async Task A_device_is_refused_without_reading_it(string opener)
    {
        if (!File.Exists("/dev/zero")) return;
        var e = await SpecialFiles.ThrowsWithin(Limit, () => Open(opener, "/dev/zero"));
        Assert.IsType<InvalidImageException>(e);
        Assert.Contains("/dev/zero", e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [Theory]
    [InlineData("load")]
    [InlineData("header")]
    public void A_directory_is_refused_naming_it(string opener)
    {
        var dir = Path.Combine(_dir, "photo.jpg");
        Directory.CreateDirectory(dir);
        var e = Assert.Throws<InvalidImageException>(() => Open(opener, dir));
        Assert.Contains(dir, e.Message);
        Assert.Contains("directory", e.Message);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        // Sparse: 600 MB long without taking the disk space.
        var path = Path.Combine(_dir, "huge.png");
        using (var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write)) f.SetLength(600L << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidImageException>(() => ImageFile.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(path, e.Message);
        Assert.Contains("limit", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes before refusing");
    }

    [Fact]
    public void The_size_limit_can_be_lowered_and_files_within_it_still_load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "png", "rgba16_adam7.png");
        long length = new FileInfo(path).Length;
        var image = ImageFile.Load(path, new ImageDecodeOptions { MaxFileBytes = length });
        Assert.True(image.Width > 0);
        var e = Assert.Throws<InvalidImageException>(() => ImageFile.Load(path, new ImageDecodeOptions { MaxFileBytes = length - 1 }));
        Assert.Contains(path, e.Message);
        Assert.Contains("limit", e.Message);
    }
}
