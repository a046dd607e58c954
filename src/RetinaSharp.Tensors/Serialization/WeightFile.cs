namespace RetinaSharp.Tensors.Serialization;

/// <summary>Opens weight files for reading; anything but a regular file is refused before it is opened.</summary>
internal static class WeightFile
{
    public static FileStream OpenRead(string path)
    {
        var kind = FileKind.DescribeIfNotRegular(path);
        if (kind != null) throw NotRegular(path, kind);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointFormatException($"{path}: cannot read: {e.Message}", e);
        }
        // Where the type could not be asked beforehand, a stream without positions is still no file.
        if (!file.CanSeek)
        {
            file.Dispose();
            throw NotRegular(path, "a stream");
        }
        return file;
    }

    /// <summary>The whole file, as long as its length says (a file that grows meanwhile is read no further).</summary>
    public static byte[] ReadAll(FileStream file, string path)
    {
        long length = file.Length;
        if (length > Array.MaxLength)
            throw new CheckpointFormatException($"{path}: {length} bytes is more than this reader can hold in memory ({Array.MaxLength} bytes).");
        var data = GC.AllocateUninitializedArray<byte>((int)length);
        file.Position = 0;
        file.ReadExactly(data);
        return data;
    }

    private static CheckpointFormatException NotRegular(string path, string kind) =>
        new($"{path}: is {kind}, not a regular file; weights are only read from regular files.");
}
