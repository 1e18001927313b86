using System.Runtime.ExceptionServices;

namespace Stellar.HistoryWork.IO;

/// <summary>
/// The shape every read-only wrapper in this library shares: reads go to <see cref="Inner"/>, are counted
/// in <see cref="BytesRead"/>, and pass through <see cref="AfterRead"/> / <see cref="AfterReadAsync"/>;
/// a failing read is offered to <see cref="OnReadFailed"/>, which may put a typed exception in its place.
/// Everything else (seek, write, length) is unsupported unless a subclass says otherwise.
/// </summary>
internal abstract class ReadOnlyPassThroughStream : Stream
{
    private readonly bool _leaveOpen;
    private bool _innerDisposed;

    protected ReadOnlyPassThroughStream(Stream inner, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Bytes that came through this stream so far.</summary>
    public long BytesRead { get; private set; }

    public sealed override bool CanRead => true;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    protected Stream Inner { get; }

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = Inner.Read(buffer);
        }
        catch (Exception e)
        {
            throw ReplacementFor(e);
        }

        BytesRead += read;
        AfterRead(buffer[..read], buffer.Length);
        return read;
    }

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await ReadInnerAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw ReplacementFor(e);
        }

        BytesRead += read;
        await AfterReadAsync(buffer[..read], buffer.Length, cancellationToken).ConfigureAwait(false);
        return read;
    }

    public sealed override void Flush()
    {
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen && !_innerDisposed)
        {
            _innerDisposed = true;
            await Inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The asynchronous read of <see cref="Inner"/>; a subclass may bound it (a stall timer, say).</summary>
    protected virtual ValueTask<int> ReadInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        Inner.ReadAsync(buffer, cancellationToken);

    /// <summary>
    /// Sees every read after <see cref="BytesRead"/> counted it, the end of the data too (empty
    /// <paramref name="data"/> while <paramref name="requested"/> was not 0); throwing fails the read.
    /// </summary>
    protected virtual void AfterRead(ReadOnlySpan<byte> data, int requested)
    {
    }

    /// <summary>The asynchronous <see cref="AfterRead"/>, which it calls unless overridden.</summary>
    protected virtual ValueTask AfterReadAsync(ReadOnlyMemory<byte> data, int requested, CancellationToken cancellationToken)
    {
        AfterRead(data.Span, requested);
        return default;
    }

    /// <summary>The exception to throw instead of <paramref name="error"/> from a read of <see cref="Inner"/>, or null to let it through.</summary>
    protected virtual Exception? OnReadFailed(Exception error) => null;

    // Returns what OnReadFailed puts in place of the error, or rethrows the error itself with its stack trace.
    private Exception ReplacementFor(Exception error)
    {
        var replacement = OnReadFailed(error);
        if (replacement is null)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        return replacement;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen && !_innerDisposed)
        {
            _innerDisposed = true;
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
