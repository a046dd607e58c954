using System.Runtime.InteropServices;
using Xunit;

namespace RetinaSharp.Tensors.Tests.Serialization;

/// <summary>FIFOs and time limits for tests of readers that must not block or stream forever.</summary>
internal static partial class SpecialFiles
{
    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MkFifo(string path, uint mode);

    public static string CreateFifo(string path)
    {
        if (MkFifo(path, 0b110_000_000) != 0) throw new IOException($"mkfifo {path} failed with errno {Marshal.GetLastPInvokeError()}.");
        return path;
    }

    /// <summary>Opens the FIFO's writing end, so that a reader blocked opening it can finish and the test run can end.</summary>
    public static void Release(string fifo) => _ = Task.Run(() =>
    {
        try
        {
            using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write);
        }
        catch (IOException) { }
    });

    /// <summary>
    /// Runs <paramref name="work"/> on another thread; a reader that hangs or streams a device fails the
    /// test at <paramref name="limit"/> instead of stalling the run.
    /// </summary>
    public static async Task<T> CompletesWithin<T>(TimeSpan limit, Func<T> work, Action? onTimeout = null)
    {
        var task = Task.Run(work);
        if (await Task.WhenAny(task, Task.Delay(limit)) != task)
        {
            onTimeout?.Invoke();
            Assert.Fail($"the reader was still running after {limit.TotalSeconds:0} s");
        }
        return await task;
    }

    /// <summary>What <paramref name="work"/> threw, within <paramref name="limit"/>.</summary>
    public static async Task<Exception> ThrowsWithin(TimeSpan limit, Func<object?> work, Action? onTimeout = null)
    {
        try
        {
            (await CompletesWithin(limit, work, onTimeout) as IDisposable)?.Dispose();
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            return e;
        }
        Assert.Fail("the reader accepted the file");
        return null!;
    }
}
