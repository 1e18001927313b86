using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.IO;

namespace Stellar.HistoryWork;

// The pool's per-archive state (health, concurrency), per-request state and the stream it hands out.
public sealed partial class ArchivePool
{
    private bool IsHealthyAt(int index)
    {
        lock (_lock)
        {
            return _members[index].UnhealthyUntil <= _options.TimeProvider.GetUtcNow();
        }
    }

    private void MarkHealthy(int index)
    {
        lock (_lock)
        {
            _members[index].UnhealthyUntil = DateTimeOffset.MinValue;
            _members[index].RetryAfterUntil = DateTimeOffset.MinValue;
        }
    }

    private void MarkUnhealthy(int index, ArchiveTransientException? error)
    {
        var now = _options.TimeProvider.GetUtcNow();

        // A server's hint is honoured up to the longest backoff: a huge Retry-After must neither park the
        // run for days nor overflow the clock.
        var hint = error?.RetryAfter is { } asked ? (asked < _options.MaxDelay ? asked : _options.MaxDelay) : (TimeSpan?)null;
        var avoidFor = hint > _options.UnhealthyDuration ? hint.Value : _options.UnhealthyDuration;
        lock (_lock)
        {
            _members[index].UnhealthyUntil = now + avoidFor;
            _members[index].RetryAfterUntil = hint is { } wait ? now + wait : DateTimeOffset.MinValue;
        }

        LogUnhealthy(_logger, _archives[index].Name, avoidFor.TotalSeconds, error?.Detail ?? "I/O failure");
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Retrying {Path} (attempt {Attempt}) in {DelaySeconds:0.###} s after: {Error}")]
    private static partial void LogRetry(ILogger logger, string path, int attempt, double delaySeconds, string error);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Archive {Archive} does not have {Path}; trying another")]
    private static partial void LogMissing(ILogger logger, string archive, string path);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Archive {Archive} avoided for {Seconds:0.#} s after a transient failure: {Error}")]
    private static partial void LogUnhealthy(ILogger logger, string archive, double seconds, string error);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Archive {Archive} served data that failed verification and is avoided for a while: {Problem}")]
    private static partial void LogBadContent(ILogger logger, string archive, string problem);

    /// <summary>One archive of the pool: its health (guarded by the pool's lock) and its concurrency limit.</summary>
    private sealed class Member(AdaptiveConcurrencyLimit limit)
    {
        public AdaptiveConcurrencyLimit Limit { get; } = limit;

        public DateTimeOffset UnhealthyUntil { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset RetryAfterUntil { get; set; } = DateTimeOffset.MinValue;
    }

    private sealed class Request(string path)
    {
        public string Path { get; } = path;

        public HashSet<int> Tried { get; } = [];

        public HashSet<int> Missing { get; } = [];

        public HashSet<int> Excluded { get; } = [];

        public List<ArchiveException> Failures { get; } = [];

        public bool Exhausted { get; private set; }

        // An archive that reported the file missing, or refused it for good, is not asked again for this
        // file; once none is left the request ends with its final error.
        public ArchiveException? Exclude(int index, ArchiveException error, int archiveCount)
        {
            Excluded.Add(index);
            Failures.Add(error);
            if (Excluded.Count < archiveCount)
            {
                return null;
            }

            Exhausted = true;
            if (archiveCount == 1)
            {
                return error;
            }

            var names = string.Join(", ", Failures.Select(f => f.ArchiveName));
            return Missing.Count == archiveCount
                ? new ArchiveFileNotFoundException("pool", Path, $"missing on all {archiveCount} archives ({names})", error)
                : new ArchiveException("pool", Path, $"no archive can serve it: {string.Join("; ", Failures.Select(f => f.Message))}", error);
        }
    }

    /// <summary>
    /// Holds its archive's concurrency slot until disposed, reports a transient failure while reading to
    /// the pool's health record and the concurrency limit, and spends the pool's bandwidth cap.
    /// </summary>
    private sealed class PoolStream(Stream inner, ArchivePool pool, int index, AdaptiveConcurrencyLimit.Lease lease, BandwidthLimit? bandwidth)
        : ReadOnlyPassThroughStream(inner, leaveOpen: false)
    {
        private AdaptiveConcurrencyLimit.Signal _signal = AdaptiveConcurrencyLimit.Signal.Success;
        private TimeSpan? _retryAfter;

        public ArchivePool Pool => pool;

        public int Index => index;

        public override long Length => Inner.Length;

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await base.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                lease.Release(_signal, _retryAfter);
            }
        }

        protected override void Dispose(bool disposing)
        {
            try
            {
                base.Dispose(disposing);
            }
            finally
            {
                if (disposing)
                {
                    lease.Release(_signal, _retryAfter);
                }
            }
        }

        protected override void AfterRead(ReadOnlySpan<byte> data, int requested) => bandwidth?.SpendBlocking(data.Length);

        protected override ValueTask AfterReadAsync(ReadOnlyMemory<byte> data, int requested, CancellationToken cancellationToken) =>
            bandwidth?.SpendAsync(data.Length, cancellationToken) ?? default;

        protected override Exception? OnReadFailed(Exception error)
        {
            if (error is ArchiveTransientException transient)
            {
                if (ArchiveFailures.IsOverload(transient))
                {
                    _signal = AdaptiveConcurrencyLimit.Signal.Overload;
                    _retryAfter = transient.RetryAfter;
                }
                else
                {
                    _signal = AdaptiveConcurrencyLimit.Signal.Neutral;
                }

                pool.MarkUnhealthy(index, transient);
            }

            return null;
        }
    }
}
