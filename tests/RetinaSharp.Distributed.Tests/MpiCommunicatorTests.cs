using System.Globalization;
using RetinaSharp.Testing;
using Xunit;

namespace RetinaSharp.Distributed.Tests;

/// <summary>The P/Invoke layer over libmpi.so.40, run as two real ranks under mpirun.</summary>
[Collection(MpiCollection.Name)]
public sealed class MpiCommunicatorTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Collectives_of_two_ranks_give_the_hand_computed_results()
    {
        var self = typeof(MpiProbe).Assembly.Location;
        var run = await MpiRun.MpiAsync(["-np", "2", MpiRun.Dotnet, "exec", self, "probe", _temp.Path]);
        Assert.True(run.ExitCode == 0, run.All);
        for (int rank = 0; rank < 2; rank++)
        {
            var lines = File.ReadAllLines(_temp[$"rank-{rank}.txt"]);
            Assert.Equal($"{rank} 2", lines[0]);
            // Rank r sent (r+1)·i + 0.5, so the sum over ranks 0 and 1 is 3i + 1.
            var floats = Parse(lines[1]);
            Assert.Equal(1000, floats.Length);
            for (int i = 0; i < floats.Length; i++) Assert.Equal(3.0 * i + 1, floats[i]);
            Assert.Equal([0.25 + 1.25, 0 - 3.0, 1e10 + 2e10], Parse(lines[2]));
            Assert.Equal([1, 0, 7], Parse(lines[3]));
            // Broadcast from the last rank (1): its values 11 and 21.
            Assert.Equal([11, 21], Parse(lines[4]));
            Assert.Equal([1, 2], Parse(lines[5]));
        }
    }

    private static double[] Parse(string line) => [.. line.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
}
