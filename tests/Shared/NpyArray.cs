using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace RetinaSharp.Testing;

/// <summary>Reads the .npy files the fixture scripts write (little-endian float32, uint8, int64; C order).</summary>
internal sealed partial class NpyArray
{
    public required string DType { get; init; }
    public required int[] Shape { get; init; }
    public required byte[] Data { get; init; }

    public static NpyArray Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not an .npy file");
        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int start = major == 1 ? 10 : 12;
        var header = Encoding.ASCII.GetString(bytes, start, headerLength);
        var descr = DescrPattern().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True")) throw new InvalidDataException($"{path}: Fortran order is not supported");
        var shapeText = ShapePattern().Match(header).Groups[1].Value;
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        return new NpyArray { DType = descr, Shape = shape, Data = bytes[(start + headerLength)..] };
    }

    public float[] AsFloat32()
    {
        if (DType != "<f4") throw new InvalidDataException($"dtype {DType} is not float32");
        var result = new float[Data.Length / 4];
        Buffer.BlockCopy(Data, 0, result, 0, Data.Length);
        return result;
    }

    public byte[] AsUInt8()
    {
        if (DType != "|u1") throw new InvalidDataException($"dtype {DType} is not uint8");
        return Data;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
