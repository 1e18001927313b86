using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork;

/// <summary>
/// The stream an archive reader hands out: forwards reads, counts bytes, turns I/O failures into
/// <see cref="ArchiveTransientException"/>, fails a read that sees no byte for the stall timeout,
/// and fails at the end when fewer bytes arrived than announced, so a short body is never silent.
/// </summary>
internal sealed class ArchiveBodyStream : Stream
{
    private readonly Stream _inner;
    private readonly IDisposable? _owner;
    private readonly long? _expectedLength;
    private readonly TimeSpan _stallTimeout;
    private readonly CancellationTokenSource? _stall;
    private readonly string _archive;
    private readonly HistoryWorkTelemetry.ArchiveInstruments _telemetry;
    private readonly string _path;
    private readonly Action<ArchiveException>? _onFailure;
    private long _read;
    private bool _finished;
    private bool _failed;

    public ArchiveBodyStream(Stream inner, IDisposable? owner, long? expectedLength, TimeSpan stallTimeout, TimeProvider timeProvider, string archive, string path, HistoryWorkTelemetry.ArchiveInstruments telemetry, Action<ArchiveException>? onFailure = null)
    {
        _telemetry = telemetry;
        _inner = inner;
        _owner = owner;
        _expectedLength = expectedLength;
        _stallTimeout = stallTimeout;
        _stall = stallTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _archive = archive;
        _path = path;
        _onFailure = onFailure;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _expectedLength ?? throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // Synchronous callers get the same checks; the stall timer only cancels asynchronous reads.
    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = _inner.Read(buffer);
        }
        catch (Exception e) when (e is IOException or System.Net.Http.HttpRequestException && e is not ArchiveException)
        {
            throw Fail(new ArchiveTransientException(_archive, _path, $"connection failed after {_read} bytes: {e.Message}", e));
        }

        return Account(read, buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_stall is null)
        {
            int plain;
            try
            {
                plain = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (e is not ArchiveException)
            {
                throw Fail(new ArchiveTransientException(_archive, _path, $"read failed after {_read} bytes: {e.Message}", e));
            }

            return Account(plain, buffer.Length);
        }

        _stall.CancelAfter(_stallTimeout);
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stall.Token) : null;
        int read;
        try
        {
            read = await _inner.ReadAsync(buffer, linked?.Token ?? _stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(new ArchiveTransientException(_archive, _path, $"stalled: no byte for {_stallTimeout.TotalSeconds:0.###} s after {_read} bytes", e));
        }
        catch (Exception e) when (e is IOException or System.Net.Http.HttpRequestException && e is not ArchiveException)
        {
            throw Fail(new ArchiveTransientException(_archive, _path, $"connection failed after {_read} bytes: {e.Message}", e));
        }
        finally
        {
            _stall.CancelAfter(Timeout.InfiniteTimeSpan);
        }

        return Account(read, buffer.Length);
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
            _inner.Dispose();
            _owner?.Dispose();
            _stall?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
        _stall?.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Account(int read, int requested)
    {
        if (read > 0)
        {
            _read += read;
            _telemetry.BytesRead(_archive, read);
            if (_expectedLength is { } tooMany && _read > tooMany)
            {
                throw Fail(new ArchiveException(_archive, _path, $"body longer than its announced {tooMany} bytes"));
            }

            return read;
        }

        if (requested > 0 && !_finished && !_failed)
        {
            if (_expectedLength is { } expected && _read != expected)
            {
                throw Fail(new ArchiveTransientException(_archive, _path, $"short body: {_read} of {expected} announced bytes"));
            }

            _finished = true;
            _telemetry.FileCompleted(_archive);
        }

        return 0;
    }

    private ArchiveException Fail(ArchiveException error)
    {
        if (!_failed)
        {
            _failed = true;
            _telemetry.Failed(_archive, error);
            _onFailure?.Invoke(error);
        }

        return error;
    }
}
