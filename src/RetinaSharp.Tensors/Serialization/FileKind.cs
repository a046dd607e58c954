using System.Runtime.InteropServices;

namespace RetinaSharp.Tensors.Serialization;

/// <summary>
/// Tells regular files from FIFOs, devices and sockets before they are opened: opening a FIFO blocks
/// until another process writes to it, and a device such as /dev/zero has no length and never ends.
/// .NET reports all of them as ordinary files, so the type comes from statx(2) on Linux.
/// </summary>
public static unsafe partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StatxBufferBytes = 256;
    private const int StatxModeOffset = 28;

    /// <summary>
    /// What <paramref name="path"/> (after symbolic links) is when it is not a regular file, e.g. "a FIFO";
    /// null for a regular file and for a path that cannot be examined, whose open then reports why.
    /// </summary>
    public static string? DescribeIfNotRegular(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return Linux(path);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // A C library without statx: fall through to what .NET can tell.
            }
        }
        return Directory.Exists(path) ? "a directory" : null;
    }

    private static string? Linux(string path)
    {
        byte* buffer = stackalloc byte[StatxBufferBytes];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0 || (*(uint*)buffer & StatxType) == 0) return null;
        return (*(ushort*)(buffer + StatxModeOffset) & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "a special file",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
