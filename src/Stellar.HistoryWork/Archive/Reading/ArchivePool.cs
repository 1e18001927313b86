using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Stellar.HistoryWork.IO;

namespace Stellar.HistoryWork;

/// <summary>
/// Several archives read as one, with failover. Each retry of an open goes to another archive when
/// one is left; archives with a recent transient failure are avoided for
/// <see cref="ArchivePoolOptions.UnhealthyDuration"/>; a file missing on one archive is fetched from
/// another, and only a file missing on every archive is reported missing.
/// </summary>
/// <remarks>
/// The pool covers opening a stream. A failure while reading it (<see cref="ArchiveTransientException"/>
/// from the stream) marks that archive unhealthy, and the caller must open the file again from the
/// start, which then prefers another archive: partly read bytes are never stitched together.
/// </remarks>
public sealed partial class ArchivePool : IArchiveReader
{
    private static readonly ResiliencePropertyKey<Request> RequestKey = new("Stellar.HistoryWork.ArchivePool.Request");

    private readonly IArchiveReader[] _archives;
    private readonly Health[] _health;
    private readonly ArchivePoolOptions _options;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    public ArchivePool(IEnumerable<IArchiveReader> archives, ArchivePoolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(archives);
        _archives = archives.ToArray();
        if (_archives.Length == 0 || _archives.Any(a => a is null))
        {
            throw new ArgumentException("A pool needs at least one archive and no null ones.", nameof(archives));
        }

        _options = options ?? new ArchivePoolOptions();
        _options.Validate();
        _health = _archives.Select(_ => new Health()).ToArray();
        _logger = _options.LoggerFactory?.CreateLogger<ArchivePool>() ?? NullLogger<ArchivePool>.Instance;
        Name = "pool(" + string.Join(", ", _archives.Select(a => a.Name)) + ")";
        Location = "pool(" + string.Join(", ", _archives.Select(a => a.Location)) + ")";
        MaxAttempts = _options.MaxAttempts ?? Math.Max(6, 2 * _archives.Length);

        var builder = new ResiliencePipelineBuilder { TimeProvider = _options.TimeProvider };
        if (MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = MaxAttempts - 1,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is ArchiveException
                    && args.Context.Properties.TryGetValue(RequestKey, out var request)
                    && !request.Exhausted),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(DelayBeforeRetry(args.AttemptNumber)),
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(RequestKey, out var request) && args.Outcome.Exception is { } error)
                    {
                        LogRetry(_logger, request.Path, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds, error.Message);
                    }

                    return default;
                },
            });
        }

        _pipeline = builder.Build();
    }

    /// <summary><c>pool(name, name, …)</c>.</summary>
    public string Name { get; }

    /// <summary><c>pool(location, location, …)</c>.</summary>
    public string Location { get; }

    /// <summary>The archives, in the order given.</summary>
    public IReadOnlyList<IArchiveReader> Archives => _archives;

    /// <summary>Attempts per open, across archives.</summary>
    public int MaxAttempts { get; }

    /// <summary>Whether <paramref name="archive"/> is currently avoided after a transient failure.</summary>
    public bool IsHealthy(IArchiveReader archive)
    {
        var index = Array.IndexOf(_archives, archive);
        ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(archive));
        lock (_lock)
        {
            return _health[index].UnhealthyUntil <= _options.TimeProvider.GetUtcNow();
        }
    }

    /// <exception cref="ArchiveFileNotFoundException">Every archive reports the file missing.</exception>
    /// <exception cref="ArchiveTransientException">The last failure, when attempts ran out.</exception>
    /// <exception cref="ArchiveException">No archive can serve the file, not all because it is missing.</exception>
    public async ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArchivePathGuard.Validate(path);
        var request = new Request(path);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(RequestKey, request);
            return await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Pool.AttemptAsync(state.Request, ctx.CancellationToken),
                context,
                (Pool: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>True as soon as one archive has the file; false when every archive says it is missing.</summary>
    public async ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        ArchivePathGuard.Validate(path);
        ArchiveException? failure = null;
        foreach (var index in Enumerable.Range(0, _archives.Length).OrderBy(i => IsHealthyAt(i) ? 0 : 1))
        {
            try
            {
                if (await _archives[index].ExistsAsync(path, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }
            catch (ArchiveException e)
            {
                failure = e;
                if (e is ArchiveTransientException transient)
                {
                    MarkUnhealthy(index, transient);
                }
            }
        }

        return failure is null ? false : throw failure;
    }

    public override string ToString() => Location;

    private async ValueTask<Stream> AttemptAsync(Request request, CancellationToken cancellationToken)
    {
        var index = Choose(request);
        var archive = _archives[index];
        request.Tried.Add(index);
        try
        {
            var stream = await archive.OpenReadAsync(request.Path, cancellationToken).ConfigureAwait(false);
            MarkHealthy(index);
            return new PoolStream(stream, this, index);
        }
        catch (ArchiveFileNotFoundException e)
        {
            request.Missing.Add(index);
            LogMissing(_logger, archive.Name, request.Path);
            throw request.Exclude(index, e, _archives.Length) ?? (Exception)e;
        }
        catch (ArchiveTransientException e)
        {
            MarkUnhealthy(index, e);
            throw;
        }
        catch (ArchiveException e)
        {
            throw request.Exclude(index, e, _archives.Length) ?? (Exception)e;
        }
        catch (IOException e)
        {
            MarkUnhealthy(index, null);
            throw new ArchiveTransientException(archive.Name, request.Path, e.Message, e);
        }
    }

    private int Choose(Request request)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var best = -1;
        var bestRank = int.MaxValue;
        var bestUntil = DateTimeOffset.MaxValue;
        var ties = 0;
        lock (_lock)
        {
            for (var i = 0; i < _archives.Length; i++)
            {
                if (request.Excluded.Contains(i))
                {
                    continue;
                }

                var until = _health[i].UnhealthyUntil;
                var healthy = until <= now;
                var rank = (healthy ? 0 : 2) + (request.Tried.Contains(i) ? 1 : 0);
                var better = rank < bestRank || (rank == bestRank && !healthy && until < bestUntil);
                if (better)
                {
                    best = i;
                    bestRank = rank;
                    bestUntil = until;
                    ties = 1;
                }
                else if (rank == bestRank && (healthy || until == bestUntil) && Random.Shared.Next(++ties) == 0)
                {
                    // Reservoir sampling: spread load evenly among equally good archives.
                    best = i;
                }
            }
        }

        if (best < 0)
        {
            throw new InvalidOperationException("Every archive is excluded; the request should have ended.");
        }

        return best;
    }

    private TimeSpan DelayBeforeRetry(int attemptNumber)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var soonestRetryAfter = DateTimeOffset.MaxValue;
        lock (_lock)
        {
            foreach (var health in _health)
            {
                if (health.UnhealthyUntil <= now)
                {
                    return TimeSpan.Zero;
                }

                if (health.RetryAfterUntil < soonestRetryAfter)
                {
                    soonestRetryAfter = health.RetryAfterUntil;
                }
            }
        }

        var upper = Math.Min(_options.MaxRetryDelay.Ticks, _options.RetryDelay.Ticks * Math.Pow(2, Math.Min(attemptNumber, 30)));
        var backoff = TimeSpan.FromTicks((long)((upper / 2) + (Random.Shared.NextDouble() * upper / 2)));
        var hinted = soonestRetryAfter == DateTimeOffset.MaxValue ? TimeSpan.Zero : soonestRetryAfter - now;
        return hinted > backoff ? hinted : backoff;
    }

    private bool IsHealthyAt(int index)
    {
        lock (_lock)
        {
            return _health[index].UnhealthyUntil <= _options.TimeProvider.GetUtcNow();
        }
    }

    private void MarkHealthy(int index)
    {
        lock (_lock)
        {
            _health[index].UnhealthyUntil = DateTimeOffset.MinValue;
            _health[index].RetryAfterUntil = DateTimeOffset.MinValue;
        }
    }

    /// <summary>
    /// Avoids, for <see cref="ArchivePoolOptions.UnhealthyDuration"/>, the archive that delivered
    /// <paramref name="stream"/> (opened by this pool), because its content failed verification: the
    /// next attempt at the file goes to another archive.
    /// </summary>
    public void ReportBadContent(Stream stream, Exception problem)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(problem);
        if (stream is PoolStream pooled && pooled.Pool == this)
        {
            MarkUnhealthy(pooled.Index, null);
            LogBadContent(_logger, _archives[pooled.Index].Name, problem.Message);
        }
    }

    private void MarkUnhealthy(int index, ArchiveTransientException? error)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var retryAfter = error?.RetryAfter ?? TimeSpan.Zero;
        var until = now + (retryAfter > _options.UnhealthyDuration ? retryAfter : _options.UnhealthyDuration);
        lock (_lock)
        {
            _health[index].UnhealthyUntil = until;
            _health[index].RetryAfterUntil = error?.RetryAfter is { } hint ? now + hint : DateTimeOffset.MinValue;
        }

        LogUnhealthy(_logger, _archives[index].Name, (until - now).TotalSeconds, error?.Detail ?? "I/O failure");
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Retrying {Path} (attempt {Attempt}) in {DelaySeconds:0.###} s after: {Error}")]
    private static partial void LogRetry(ILogger logger, string path, int attempt, double delaySeconds, string error);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Archive {Archive} does not have {Path}; trying another")]
    private static partial void LogMissing(ILogger logger, string archive, string path);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Archive {Archive} avoided for {Seconds:0.#} s after a transient failure: {Error}")]
    private static partial void LogUnhealthy(ILogger logger, string archive, double seconds, string error);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Archive {Archive} served data that failed verification and is avoided for a while: {Problem}")]
    private static partial void LogBadContent(ILogger logger, string archive, string problem);

    private sealed class Health
    {
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
            var names = string.Join(", ", Failures.Select(f => f.ArchiveName));
            return Missing.Count == archiveCount
                ? new ArchiveFileNotFoundException("pool", Path, $"missing on all {archiveCount} archives ({names})", error)
                : new ArchiveException("pool", Path, $"no archive can serve it: {string.Join("; ", Failures.Select(f => f.Message))}", error);
        }
    }

    /// <summary>Reports a transient failure while reading back to the pool's health record.</summary>
    private sealed class PoolStream(Stream inner, ArchivePool pool, int index) : ReadOnlyPassThroughStream(inner, leaveOpen: false)
    {
        public ArchivePool Pool => pool;

        public int Index => index;

        public override long Length => Inner.Length;

        protected override Exception? OnReadFailed(Exception error)
        {
            if (error is ArchiveTransientException transient)
            {
                pool.MarkUnhealthy(index, transient);
            }

            return null;
        }
    }
}
