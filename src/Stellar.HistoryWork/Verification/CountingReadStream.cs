namespace Stellar.HistoryWork.Verification;

/// <summary>
/// A read-only pass-through that counts the bytes read and, when given a destination, copies every byte
/// read into it, so a download can be verified and written to its temporary file in one pass.
/// </summary>
internal sealed class CountingReadStream : Stream
{
    private readonly Stream _source;
    private readonly Stream? _copyTo;
    private readonly bool _leaveOpen;

    public CountingReadStream(Stream source, Stream? copyTo, bool leaveOpen)
    {
        _source = source;
        _copyTo = copyTo;
        _leaveOpen = leaveOpen;
    }

    public long BytesRead { get; private set; }

    /// <summary>The last 8 bytes read (a gzip trailer when the input ended cleanly).</summary>
    public ReadOnlySpan<byte> Tail => _tail;

    /// <summary>Whether a gzip member header (1f 8b 08) appeared after the start: the input may be multi-member.</summary>
    public bool SawLaterGzipHeader { get; private set; }

    private readonly byte[] _tail = new byte[8];

    private void Observe(ReadOnlySpan<byte> data)
    {
        if (!SawLaterGzipHeader)
        {
            SawLaterGzipHeader = ContainsMemberHeader(data, BytesRead == 0 ? 1 : 0);
        }

        if (data.Length >= 8)
        {
            data[^8..].CopyTo(_tail);
        }
        else
        {
            _tail.AsSpan(data.Length).CopyTo(_tail);
            data.CopyTo(_tail.AsSpan(8 - data.Length));
        }
    }

    private static ReadOnlySpan<byte> GzipMagic => [0x1f, 0x8b, 0x08];

    // A full member header (RFC 1952: magic, deflate, FLG without reserved bits, XFL 0/2/4, a known OS)
    // so that the magic bytes turning up by chance inside deflate data rarely count.
    private static bool ContainsMemberHeader(ReadOnlySpan<byte> data, int from)
    {
        while (from + 10 <= data.Length)
        {
            var at = data[from..].IndexOf(GzipMagic);
            if (at < 0)
            {
                return false;
            }

            var header = data[(from + at)..];
            if (header.Length < 10)
            {
                return false;
            }

            if ((header[3] & 0xE0) == 0 && header[8] is 0 or 2 or 4 && (header[9] <= 13 || header[9] == 255))
            {
                return true;
            }

            from += at + 1;
        }

        return false;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _source.Read(buffer);
        if (read > 0)
        {
            _copyTo?.Write(buffer[..read]);
            Observe(buffer[..read]);
            BytesRead += read;
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            if (_copyTo is not null)
            {
                await _copyTo.WriteAsync(buffer[..read], cancellationToken).ConfigureAwait(false);
            }

            Observe(buffer.Span[..read]);
            BytesRead += read;
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _source.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
