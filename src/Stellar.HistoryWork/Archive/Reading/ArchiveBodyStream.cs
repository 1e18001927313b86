using Stellar.HistoryWork.IO;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork;

/// <summary>
/// The stream an archive reader hands out: forwards reads, counts bytes, turns I/O failures into
/// <see cref="ArchiveTransientException"/>, fails a read that sees no byte for the stall timeout,
/// and fails at the end when fewer bytes arrived than announced, so a short body is never silent.
/// </summary>
internal sealed class ArchiveBodyStream : ReadOnlyPassThroughStream
{
    private readonly IDisposable? _owner;
    private readonly long? _expectedLength;
    private readonly TimeSpan _stallTimeout;
    private readonly CancellationTokenSource? _stall;
    private readonly string _archive;
    private readonly HistoryWorkTelemetry.ArchiveInstruments _telemetry;
    private readonly string _path;
    private readonly Action<ArchiveException>? _onFailure;
    private bool _finished;
    private bool _failed;

    public ArchiveBodyStream(Stream inner, IDisposable? owner, long? expectedLength, TimeSpan stallTimeout, TimeProvider timeProvider, string archive, string path, HistoryWorkTelemetry.ArchiveInstruments telemetry, Action<ArchiveException>? onFailure = null)
        : base(inner, leaveOpen: false)
    {
        _telemetry = telemetry;
        _owner = owner;
        _expectedLength = expectedLength;
        _stallTimeout = stallTimeout;
        _stall = stallTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _archive = archive;
        _path = path;
        _onFailure = onFailure;
    }

    public override long Length => _expectedLength ?? throw new NotSupportedException();

    // Synchronous reads get the same checks; the stall timer only bounds asynchronous reads.
    protected override async ValueTask<int> ReadInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_stall is null)
        {
            return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        _stall.CancelAfter(_stallTimeout);
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stall.Token) : null;
        try
        {
            return await Inner.ReadAsync(buffer, linked?.Token ?? _stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(new ArchiveTransientException(_archive, _path, $"stalled: no byte for {_stallTimeout.TotalSeconds:0.###} s after {BytesRead} bytes", e));
        }
        finally
        {
            _stall.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    protected override Exception? OnReadFailed(Exception error) =>
        error is IOException or System.Net.Http.HttpRequestException && error is not ArchiveException
            ? Fail(new ArchiveTransientException(_archive, _path, $"read failed after {BytesRead} bytes: {error.Message}", error))
            : null;

    protected override void AfterRead(ReadOnlySpan<byte> data, int requested)
    {
        if (!data.IsEmpty)
        {
            _telemetry.BytesRead(_archive, data.Length);
            if (_expectedLength is { } tooMany && BytesRead > tooMany)
            {
                throw Fail(new ArchiveException(_archive, _path, $"body longer than its announced {tooMany} bytes"));
            }

            return;
        }

        if (requested > 0 && !_finished && !_failed)
        {
            if (_expectedLength is { } expected && BytesRead != expected)
            {
                throw Fail(new ArchiveTransientException(_archive, _path, $"short body: {BytesRead} of {expected} announced bytes"));
            }

            _finished = true;
            _telemetry.FileCompleted(_archive);
        }
    }

    protected override void Dispose(bool disposing)
    {
        // The base disposes the body first, then what owns it (the HTTP response).
        base.Dispose(disposing);
        if (disposing)
        {
            _owner?.Dispose();
            _stall?.Dispose();
        }
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
