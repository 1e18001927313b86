using System.Buffers.Binary;
using System.IO.Compression;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Decompresses history files so that a damaged or cut-off file cannot pass for a shorter good one.
/// <see cref="GZipStream"/> ends quietly when its input stops in the middle of a member; this stream then
/// checks the gzip trailer (ISIZE = decompressed length mod 2^32) and throws <see cref="InvalidDataException"/>,
/// as it does for a 0-byte file. Multi-member files are accepted: when another member header was seen the
/// last trailer only covers the last member, so the length check is left to the content hashes.
/// </summary>
public static class HistoryGzip
{
    /// <summary>Wraps the gzip bytes of a history file in a checked decompressing stream.</summary>
    public static Stream OpenDecompressed(Stream compressed, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        return new CheckedGzipStream(new CountingReadStream(compressed, null, leaveOpen));
    }

    /// <summary>As <see cref="OpenDecompressed(Stream, bool)"/>, also writing every compressed byte read to <paramref name="copyTo"/>.</summary>
    public static Stream OpenDecompressed(Stream compressed, Stream copyTo, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(copyTo);
        return new CheckedGzipStream(new CountingReadStream(compressed, copyTo, leaveOpen));
    }

    internal static CheckedGzipStream Open(CountingReadStream counting) => new(counting);
}

/// <summary>The stream behind <see cref="HistoryGzip"/>; exposes the byte counts of both sides.</summary>
internal sealed class CheckedGzipStream : Stream
{
    private readonly CountingReadStream _compressed;
    private readonly GZipStream _gzip;
    private bool _checked;

    public CheckedGzipStream(CountingReadStream compressed)
    {
        _compressed = compressed;
        _gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: false);
    }

    public long CompressedBytes => _compressed.BytesRead;

    public long DecompressedBytes { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => DecompressedBytes;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _gzip.Read(buffer);
        return Account(read, buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(read, buffer.Length);
    }

    private int Account(int read, int requested)
    {
        DecompressedBytes += read;
        if (read == 0 && requested > 0 && !_checked)
        {
            _checked = true;
            CheckEnd();
        }

        return read;
    }

    private void CheckEnd()
    {
        if (_compressed.BytesRead == 0)
        {
            throw new InvalidDataException("0-byte file: a gzip file is never empty");
        }

        var tail = _compressed.Tail;
        if (_compressed.BytesRead < 18 || (BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) != unchecked((uint)DecompressedBytes) && !_compressed.SawLaterGzipHeader))
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"the gzip stream ends early: {DecompressedBytes} bytes came out of {_compressed.BytesRead} compressed bytes, and the trailer does not record that length (truncated file)"));
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _gzip.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
