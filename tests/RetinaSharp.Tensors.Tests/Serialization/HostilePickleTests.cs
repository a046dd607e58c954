using RetinaSharp.Tensors.Serialization;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Serialization;

/// <summary>Pickles whose object graph is cyclic, absurdly deep or absurdly large must be refused, not crash the process.</summary>
public sealed class HostilePickleTests
{
    private static CheckpointFormatException Refused(byte[] pickle, string expected, bool stateDict = false)
    {
        using var files = new TempFiles();
        var path = files.Write("hostile.pth", TorchZip.Build(pickle));
        var e = Assert.Throws<CheckpointFormatException>(() =>
        {
            if (stateDict) TorchCheckpoint.LoadStateDict(path).Dispose();
            else TorchCheckpoint.Load(path);
        });
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        return e;
    }

    public static TheoryData<string, byte[]> Cycles() => new()
    {
        // EMPTY_LIST, MEMOIZE, BINGET 0, APPEND: a list appended to itself.
        { "list via MEMOIZE", new PickleBuilder().Op((byte)']', 0x94, (byte)'h', 0, (byte)'a').Stop() },
        { "list via BINPUT", new PickleBuilder().Op((byte)']', (byte)'q', 0, (byte)'h', 0, (byte)'a').Stop() },
        { "dict", new PickleBuilder().Op((byte)'}', (byte)'q', 0).Str("self").Op((byte)'h', 0, (byte)'s').Stop() },
        { "list in a tuple in the list", new PickleBuilder().Op((byte)']', (byte)'q', 0, (byte)'h', 0, 0x85, (byte)'a').Stop() },
        {
            "Namespace whose state holds it",
            new PickleBuilder().Global("argparse", "Namespace").Op((byte)')', 0x81, (byte)'q', 0, (byte)'}').Str("me").Op((byte)'h', 0, (byte)'s', (byte)'b').Stop()
        },
    };

    [Theory]
    [MemberData(nameof(Cycles))]
    public void A_container_that_holds_itself_is_refused_naming_the_file(string what, byte[] pickle)
    {
        Assert.NotEmpty(what);
        Refused(pickle, "holds itself");
    }

    [Fact]
    public void A_state_dict_that_holds_itself_is_refused()
    {
        var pickle = new PickleBuilder().Op((byte)'}', (byte)'q', 0, (byte)'(').Str("w").Tensor("0", 1, 0, [1], [1]).Str("loop").Op((byte)'h', 0, (byte)'u').Stop();
        using var files = new TempFiles();
        var path = files.Write("loop.pth", TorchZip.Build(pickle, ("0", TorchZip.Floats(1f), false)));
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path).Dispose());
        Assert.Contains(path, e.Message);
        Assert.Contains("holds itself", e.Message);
    }

    private static byte[] Nested(string kind, int depth) => kind switch
    {
        "list" => new PickleBuilder().Repeat(depth, (byte)']').Repeat(depth - 1, (byte)'a').Stop(),
        "tuple" => new PickleBuilder().Op((byte)')').Repeat(depth - 1, 0x85).Stop(),
        "dict" => new PickleBuilder().Op((byte)'}').Repeat(depth - 1, 0x8c, 1, (byte)'k', (byte)'}').Repeat(depth - 1, (byte)'s').Stop(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [InlineData("list")]
    [InlineData("tuple")]
    [InlineData("dict")]
    public void Nesting_100000_deep_is_refused_without_overflowing_the_stack(string kind)
    {
        Refused(Nested(kind, 100_000), "deeper than");
    }

    [Theory]
    [InlineData("list")]
    [InlineData("tuple")]
    [InlineData("dict")]
    public void Nesting_within_the_limit_still_loads(string kind)
    {
        using var files = new TempFiles();
        var path = files.Write("deep.pth", TorchZip.Build(Nested(kind, 900)));
        int depth = 0;
        for (object? o = TorchCheckpoint.Load(path); o != null; depth++)
        {
            o = o switch
            {
                List<object?> l => l.Count > 0 ? l[0] : null,
                PickleTuple t => t.Items.Length > 0 ? t.Items[0] : null,
                Dictionary<object, object?> d => d.TryGetValue("k", out var v) ? v : null,
                _ => throw new InvalidOperationException(o.GetType().Name),
            };
        }
        Assert.Equal(900, depth);
    }

    [Fact]
    public async Task Containers_shared_many_times_are_walked_once()
    {
        // T0 = (), Ti = (Ti-1, Ti-1): 64 levels that reach T0 along 2^64 paths.
        var p = new PickleBuilder().Op((byte)'}', (byte)'(').Str("w").Tensor("0", 2, 0, [2], [1]).Str("shared").Op((byte)')');
        for (int i = 0; i < 64; i++) p.Op((byte)'q', (byte)i, (byte)'h', (byte)i, 0x86);
        var pickle = p.Op((byte)'u').Stop();
        using var files = new TempFiles();
        var path = files.Write("shared.pth", TorchZip.Build(pickle, ("0", TorchZip.Floats(1f, 2f), false)));
        var values = await SpecialFiles.CompletesWithin(TimeSpan.FromSeconds(20), () =>
        {
            using var sd = TorchCheckpoint.LoadStateDict(path);
            return sd["w"].ToArray();
        });
        Assert.Equal([1f, 2f], values);
    }

    [Fact]
    public void A_pickle_that_builds_millions_of_values_is_refused()
    {
        // One outer list and 11 million empty lists appended to it: 22 MB of pickle, hundreds of MB of objects.
        var pickle = new PickleBuilder().Op((byte)']').Repeat(11_000_000, (byte)']', (byte)'a').Stop();
        Refused(pickle, "values");
    }
}
