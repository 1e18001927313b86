using Stellar.HistoryWork.IO;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork;

/// <summary>
/// The stream an archive reader hands out: forwards reads, counts bytes, turns I/O failures into
/// <see cref="ArchiveTransientException"/>, fails a read that sees no byte for the stall timeout,
/// fails a transfer slower than <see cref="MinimumRate"/> over <see cref="MinimumRateWindow"/> of waiting
/// (a trickle resets the stall timer with every byte), and fails at the end when fewer bytes arrived than
/// announced, so a short body is never silent.
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
    private readonly TimeProvider _timeProvider;
    private TimeSpan _waited;
    private long _windowBytes;
    private bool _finished;
    private bool _failed;

    public ArchiveBodyStream(Stream inner, IDisposable? owner, long? expectedLength, TimeSpan stallTimeout, TimeProvider timeProvider, string archive, string path, HistoryWorkTelemetry.ArchiveInstruments telemetry, Action<ArchiveException>? onFailure = null)
        : base(inner, leaveOpen: false)
    {
        _telemetry = telemetry;
        _owner = owner;
        _expectedLength = expectedLength;
        _stallTimeout = stallTimeout;
        _timeProvider = timeProvider;
        _stall = stallTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _archive = archive;
        _path = path;
        _onFailure = onFailure;
    }

    /// <summary>The slowest acceptable transfer in bytes per second; 0 for no minimum.</summary>
    public long MinimumRate { get; init; }

    /// <summary>How much waiting for the server the rate is judged over.</summary>
    public TimeSpan MinimumRateWindow { get; init; } = TimeSpan.FromSeconds(60);

    public override long Length => _expectedLength ?? throw new NotSupportedException();

    // Synchronous reads get the same checks; the stall timer and the rate only bound asynchronous reads.
    protected override async ValueTask<int> ReadInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var read = await ReadTimedAsync(buffer, cancellationToken).ConfigureAwait(false);
        CheckRate(read, _timeProvider.GetElapsedTime(started));
        return read;
    }

    // Only time spent waiting on the server counts, so a slow consumer (a throttle, a busy disk) is never blamed on it.
    private void CheckRate(int read, TimeSpan waited)
    {
        if (MinimumRate <= 0 || read <= 0)
        {
            return;
        }

        _waited += waited;
        _windowBytes += read;
        if (_waited < MinimumRateWindow)
        {
            return;
        }

        var seconds = _waited.TotalSeconds;
        if (_windowBytes < MinimumRate * seconds)
        {
            throw Fail(new ArchiveTransientException(_archive, _path, string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"too slow: {_windowBytes} bytes in {seconds:0.#} s, below the minimum of {MinimumRate} bytes/s (after {BytesRead} bytes)")));
        }

        _waited = TimeSpan.Zero;
        _windowBytes = 0;
    }

    private async ValueTask<int> ReadTimedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
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
