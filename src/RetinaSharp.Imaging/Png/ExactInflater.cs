using System.Buffers;
using System.IO.Compression;

namespace RetinaSharp.Imaging.Png;

/// <summary>
/// Inflates a zlib stream that must produce exactly <c>expectedLength</c> bytes, handed out in caller-sized
/// pieces. It never asks zlib for a byte past that length, so a stream that would expand further (a
/// decompression bomb) costs no more time or memory than an honest one; data beyond it is ignored.
/// </summary>
internal sealed class ExactInflater : IDisposable
{
    // Staging lets narrow images take their short scanlines without a zlib call per row.
    private const int StageSize = 32 * 1024;

    private readonly ZLibStream _zlib;
    private readonly byte[] _stage;
    private readonly long _expected;
    private long _inflated;
    private int _stagePos;
    private int _stageEnd;

    public ExactInflater(Stream compressed, long expectedLength)
    {
        _zlib = new ZLibStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        _expected = expectedLength;
        _stage = ArrayPool<byte>.Shared.Rent((int)Math.Min(StageSize, Math.Max(1, expectedLength)));
    }

    public void ReadExactly(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            if (_stagePos == _stageEnd) Refill();
            int n = Math.Min(destination.Length, _stageEnd - _stagePos);
            _stage.AsSpan(_stagePos, n).CopyTo(destination);
            _stagePos += n;
            destination = destination[n..];
        }
    }

    private void Refill()
    {
        int want = (int)Math.Min(_stage.Length, _expected - _inflated);
        if (want <= 0) throw new InvalidOperationException("Read past the expected inflated length.");
        int got;
        try
        {
            got = _zlib.Read(_stage, 0, want);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidImageException($"Corrupt zlib data in IDAT after {_inflated} of {_expected} bytes: {e.Message}", e);
        }
        if (got == 0)
            throw new InvalidImageException($"Truncated IDAT: the image data ends after {_inflated} of {_expected} bytes.");
        _inflated += got;
        _stagePos = 0;
        _stageEnd = got;
    }

    public void Dispose()
    {
        _zlib.Dispose();
        ArrayPool<byte>.Shared.Return(_stage);
    }
}
