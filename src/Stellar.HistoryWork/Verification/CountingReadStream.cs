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
