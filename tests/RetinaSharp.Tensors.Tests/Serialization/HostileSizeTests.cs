using System.Buffers.Binary;
using System.Text;
using RetinaSharp.Tensors.Serialization;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Serialization;

/// <summary>
/// Small files that declare huge sizes must be refused before the memory is allocated. Reading runs
/// on the test's thread, so its managed allocations are what the thread allocated meanwhile.
/// </summary>
public sealed class HostileSizeTests
{
    private const int MiB = 1 << 20;

    private static (Exception? Error, long Allocated) Read(string path, bool safetensors = false)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            using var sd = safetensors ? SafeTensors.Load(path) : TorchCheckpoint.LoadStateDict(path);
            return (null, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        catch (Exception e)
        {
            return (e, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static void AssertRefused(string path, string expected, long maxAllocated, bool safetensors = false)
    {
        var (error, allocated) = Read(path, safetensors);
        var e = Assert.IsType<CheckpointFormatException>(error);
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.True(allocated < maxAllocated, $"allocated {allocated} bytes before refusing: {e.Message}");
    }

    private static byte[] OneTensor(long storageNumel, long[] size, long[] stride, long offset = 0) =>
        new PickleBuilder().Op((byte)'}', (byte)'(').Str("w").Tensor("0", storageNumel, offset, size, stride).Op((byte)'u').Stop();

    public static TheoryData<string, long, long[], long[], long> BadViews() => new()
    {
        // Stride 0 repeats one stored float 64 M times (256 MB) or 2^40 times.
        { "broadcast 1-D", 1, [1 << 26], [0], 0 },
        { "broadcast 2-D", 1, [1 << 20, 1 << 20], [0, 0], 0 },
        { "stride past the storage", 4, [3], [long.MaxValue / 2], 0 },
        { "offset past the storage", 4, [1], [1], long.MaxValue - 2 },
        { "negative offset", 4, [2], [1], -1 },
        { "storage numel that wraps when multiplied by the element size", 1L << 62, [4], [1], 0 },
    };

    [Theory]
    [MemberData(nameof(BadViews))]
    public void A_tensor_that_reaches_beyond_its_storage_is_refused_before_allocating(string what, long storageNumel, long[] size, long[] stride, long offset)
    {
        Assert.NotEmpty(what);
        using var files = new TempFiles();
        var path = files.Write("view.pth", TorchZip.Build(OneTensor(storageNumel, size, stride, offset), ("0", TorchZip.Floats(1f, 2f, 3f, 4f), false)));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"took {sw.Elapsed} to refuse");
    }

    [Fact]
    public void Many_views_of_one_storage_cannot_multiply_its_memory()
    {
        // 40 tensors that each view the whole 4 MB storage: 160 MB of copies from a 4 MB file.
        var p = new PickleBuilder().Op((byte)'}', (byte)'(');
        for (int i = 0; i < 40; i++) p.Str($"w{i}").Tensor("0", 1 << 20, 0, [1 << 20], [1]);
        using var files = new TempFiles();
        var path = files.Write("views.pth", TorchZip.Build(p.Op((byte)'u').Stop(), ("0", new byte[4 * MiB], false)));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains("elements", e.Message);
    }

    [Fact]
    public void Entries_that_name_one_tensor_many_times_cannot_multiply_its_memory()
    {
        // Each entry gets its own copy: 40 entries naming one 4 MB tensor would copy it 39 times.
        var p = new PickleBuilder().Op((byte)'}', (byte)'(').Str("w0").Tensor("0", 1 << 20, 0, [1 << 20], [1]).Op((byte)'q', 0);
        for (int i = 1; i < 40; i++) p.Str($"w{i}").Op((byte)'h', 0);
        using var files = new TempFiles();
        var path = files.Write("named.pth", TorchZip.Build(p.Op((byte)'u').Stop(), ("0", new byte[4 * MiB], false)));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains("entry 'w", e.Message);
    }

    [Fact]
    public void Small_views_broadcasts_and_transposes_of_a_storage_still_load()
    {
        var pickle = new PickleBuilder().Op((byte)'}', (byte)'(')
            .Str("a").Tensor("0", 6, 0, [2, 3], [3, 1])
            .Str("row").Tensor("0", 6, 3, [3], [1])
            .Str("t").Tensor("0", 6, 0, [3, 2], [1, 3])
            .Str("expanded").Tensor("0", 6, 5, [4, 5], [0, 0])
            .Op((byte)'u').Stop();
        using var files = new TempFiles();
        var path = files.Write("views.pth", TorchZip.Build(pickle, ("0", TorchZip.Floats(0f, 1f, 2f, 3f, 4f, 5f), false)));
        using var sd = TorchCheckpoint.LoadStateDict(path);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], sd["a"].ToArray());
        Assert.Equal([3f, 4f, 5f], sd["row"].ToArray());
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], sd["t"].ToArray());
        Assert.Equal(Enumerable.Repeat(5f, 20), sd["expanded"].ToArray());
    }

    [Fact]
    public void A_deflated_storage_that_expands_far_beyond_the_file_is_refused_before_it_is_read()
    {
        // 64 MB of zeros deflate to about 64 KB.
        using var files = new TempFiles();
        var zip = TorchZip.Build(OneTensor(16 * MiB, [16 * MiB], [1]), ("0", new byte[64 * MiB], true));
        Assert.True(zip.Length < MiB);
        AssertRefused(files.Write("bomb.pth", zip), "zip bomb", maxAllocated: 8 * MiB);
    }

    [Fact]
    public void A_storage_entry_longer_than_its_storage_is_read_only_as_far_as_the_storage()
    {
        using var files = new TempFiles();
        var path = files.Write("long.pth", TorchZip.Build(OneTensor(4, [4], [1]), ("0", new byte[64 * MiB], true)));
        var (error, allocated) = Read(path);
        Assert.Null(error);
        Assert.True(allocated < 8 * MiB, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(1u << 30)]
    [InlineData(12u << 20)]
    public void A_zip_header_that_overstates_an_entry_does_not_allocate_what_it_claims(uint declared)
    {
        var zip = TorchZip.Build(OneTensor(declared / 4, [100], [1]), ("0", TorchZip.Floats(new float[100]), true));
        TorchZip.SetDeclaredSize(zip, "archive/data/0", declared);
        using var files = new TempFiles();
        AssertRefused(files.Write("short.pth", zip), "0", maxAllocated: 4 * MiB);
    }

    [Fact]
    public void An_entry_that_inflates_past_its_declared_size_is_not_read_past_it()
    {
        var zip = TorchZip.Build(OneTensor(100, [100], [1]), ("0", new byte[64 * MiB], true));
        TorchZip.SetDeclaredSize(zip, "archive/data/0", 400);
        using var files = new TempFiles();
        var (error, allocated) = Read(files.Write("understated.pth", zip));
        if (error != null) Assert.IsType<CheckpointFormatException>(error);
        Assert.True(allocated < 8 * MiB, $"allocated {allocated} bytes");
    }

    private static byte[] SafeTensorsFile(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }

    [Fact]
    public void Overlapping_safetensors_entries_cannot_multiply_the_data()
    {
        var entries = new List<string>();
        for (int i = 0; i < 40; i++) entries.Add($"\"w{i}\":{{\"dtype\":\"F32\",\"shape\":[{MiB}],\"data_offsets\":[0,{4 * MiB}]}}");
        using var files = new TempFiles();
        var path = files.Write("overlap.safetensors", SafeTensorsFile("{" + string.Join(",", entries) + "}", 4 * MiB));
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains("overlap", e.Message);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1073741824,1073741824,2],\"data_offsets\":[0,0]}}")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,9223372036854775807]}}")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-16,0]}}")]
    public void Safetensors_sizes_are_checked_against_the_file_without_wrapping(string header)
    {
        using var files = new TempFiles();
        var path = files.Write("sizes.safetensors", SafeTensorsFile(header, 16));
        AssertRefused(path, "'w'", maxAllocated: MiB, safetensors: true);
    }
}
