using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork;

/// <summary>
/// Several archives read as one, with failover, retries and per-archive concurrency — the one retry
/// mechanism of archive I/O (a single archive is a pool of one). Each retry goes to another archive when
/// one is left; archives with a recent transient failure are avoided for
/// <see cref="ArchivePoolOptions.UnhealthyDuration"/>; a file missing on one archive is fetched from
/// another, and only a file missing on every archive is reported missing. When no healthy archive is
/// left, retries wait with Polly's exponential backoff and jitter, or the server's Retry-After, never
/// longer than <see cref="ArchivePoolOptions.MaxDelay"/>.
/// </summary>
/// <remarks>
/// The pool covers opening a stream. A failure while reading it (<see cref="ArchiveTransientException"/>
/// from the stream) marks that archive unhealthy, and the caller must open the file again from the
/// start, which then prefers another archive: partly read bytes are never stitched together. Each open
/// stream holds one of its archive's concurrency slots until it is disposed.
/// </remarks>
public sealed partial class ArchivePool : IArchiveReader, IFailoverArchive
{
    private static readonly ResiliencePropertyKey<Request> RequestKey = new("Stellar.HistoryWork.ArchivePool.Request");

    private readonly IArchiveReader[] _archives;
    private readonly Member[] _members;
    private readonly ArchivePoolOptions _options;
    private readonly ResiliencePipeline _pipeline;
    private readonly BandwidthLimit? _bandwidth;
    private readonly ILogger _logger;
    private readonly HistoryWorkTelemetry.ArchiveInstruments _telemetry;
    private readonly Lock _lock = new();
    private long _retries;

    /// <param name="archives">The archives, at least one; a file is read from any of them.</param>
    /// <param name="options">Retries, delays, concurrency; defaults when null.</param>
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
        _members = _archives.Select(_ => new Member(new AdaptiveConcurrencyLimit(_options.MaxConcurrency, _options.AdaptiveConcurrency, _options.TimeProvider, _options.MaxDelay))).ToArray();
        _bandwidth = _options.MaxBytesPerSecond is { } cap ? new BandwidthLimit(cap, _options.TimeProvider) : null;
        _logger = _options.LoggerFactory?.CreateLogger<ArchivePool>() ?? NullLogger<ArchivePool>.Instance;
        _telemetry = HistoryWorkTelemetry.For(_options.MeterFactory).Archive;
        Name = "pool(" + string.Join(", ", _archives.Select(a => a.Name)) + ")";
        Location = _archives.Length == 1 ? _archives[0].Location : "pool(" + string.Join(", ", _archives.Select(a => a.Location)) + ")";
        MaxAttempts = _options.MaxAttempts ?? Math.Max(6, 2 * _archives.Length);
        _pipeline = BuildPipeline();
    }

    /// <summary><c>pool(name, name, …)</c>.</summary>
    public string Name { get; }

    /// <summary><c>pool(location, location, …)</c>; for a pool of one, that archive's location.</summary>
    public string Location { get; }

    /// <summary>The archives, in the order given.</summary>
    public IReadOnlyList<IArchiveReader> Archives => _archives;

    /// <summary>Attempts per open, across archives.</summary>
    public int MaxAttempts { get; }

    /// <summary>
    /// <paramref name="archive"/> itself when it is a pool, else a pool of that one archive, so that its
    /// reads get the pool's retries, backoff and adaptive concurrency.
    /// </summary>
    public static ArchivePool For(IArchiveReader archive, ArchivePoolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return archive as ArchivePool ?? new ArchivePool([archive], options);
    }

    /// <summary>
    /// Reads retried so far, across every file and archive: each attempt after a request's first counts
    /// once, whether it failed over to another archive or waited for the same one.
    /// </summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>The archives currently avoided after a transient failure or bad content, in the order given.</summary>
    public IReadOnlyList<IArchiveReader> AvoidedArchives() =>
        [.. _archives.Where((_, index) => !IsHealthyAt(index))];

    /// <summary>Whether <paramref name="archive"/> is currently avoided after a transient failure.</summary>
    public bool IsHealthy(IArchiveReader archive) => IsHealthyAt(IndexOf(archive));

    /// <summary>How many files <paramref name="archive"/> may serve at once now (its adaptive concurrency limit).</summary>
    public int ConcurrencyLimit(IArchiveReader archive) => _members[IndexOf(archive)].Limit.Limit;

    /// <exception cref="ArchiveFileNotFoundException">Every archive reports the file missing.</exception>
    /// <exception cref="ArchiveTransientException">The last failure, when attempts ran out.</exception>
    /// <exception cref="ArchiveException">No archive can serve the file, not all because it is missing.</exception>
    public ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) =>
        ExecuteAsync(path, static (pool, index, path, ct) => pool.OpenAtAsync(index, path, ct), cancellationToken);

    /// <summary>True as soon as one archive has the file; false when every archive says it is missing.</summary>
    /// <exception cref="ArchiveTransientException">The last failure, when attempts ran out.</exception>
    public async ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ExecuteAsync(path, static (pool, index, path, ct) => pool.ExistsAtAsync(index, path, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (ArchiveFileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> and hands the stream to <paramref name="read"/>; a transient failure
    /// while reading opens the file again (preferring another archive) and calls <paramref name="read"/>
    /// again from the start, within the same attempts and backoff as an open.
    /// </summary>
    internal ValueTask<T> ReadAsync<T>(string path, Func<Stream, CancellationToken, ValueTask<T>> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        return ExecuteAsync(path, async (pool, index, path, ct) =>
        {
            var stream = await pool.OpenAtAsync(index, path, ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await read(stream, ct).ConfigureAwait(false);
            }
        }, cancellationToken);
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

    /// <inheritdoc />
    bool IFailoverArchive.HasAlternativeTo(IReadOnlySet<IArchiveReader> failed) => _archives.Any(a => !failed.Contains(a));

    /// <summary>The member that delivered <paramref name="stream"/> (opened by this pool), else null.</summary>
    internal IArchiveReader? MemberOf(Stream stream) =>
        stream is PoolStream pooled && pooled.Pool == this ? _archives[pooled.Index] : null;

    /// <inheritdoc />
    IArchiveReader? IFailoverArchive.MemberOf(Stream stream) => MemberOf(stream);

    /// <inheritdoc cref="Location"/>
    public override string ToString() => Location;

    private ResiliencePipeline BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _options.TimeProvider };
        if (MaxAttempts > 1)
        {
            var retry = new RetryStrategyOptions
            {
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.Delay,
                MaxDelay = _options.MaxDelay,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is ArchiveException
                    && args.Context.Properties.TryGetValue(RequestKey, out var request)
                    && !request.Exhausted),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Context.Properties.TryGetValue(RequestKey, out var request) ? DelayOverride(request) : null),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    if (args.Outcome.Exception is ArchiveException failed)
                    {
                        _telemetry.Retried(failed.ArchiveName);
                    }

                    if (args.Context.Properties.TryGetValue(RequestKey, out var request) && args.Outcome.Exception is { } error)
                    {
                        LogRetry(_logger, request.Path, args.AttemptNumber + 2, args.RetryDelay.TotalSeconds, error.Message);
                    }

                    return default;
                },
            };
            if (_options.Randomizer is { } randomizer)
            {
                retry.Randomizer = randomizer;
            }

            builder.AddRetry(retry);
        }

        return builder.Build();
    }

    private async ValueTask<T> ExecuteAsync<T>(string path, Func<ArchivePool, int, string, CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken)
    {
        ArchivePathGuard.Validate(path);
        var request = new Request(path);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(RequestKey, request);
            return await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Pool.AttemptAsync(state.Request, state.Attempt, ctx.CancellationToken),
                context,
                (Pool: this, Request: request, Attempt: attempt)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<T> AttemptAsync<T>(Request request, Func<ArchivePool, int, string, CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken)
    {
        var index = Choose(request);
        var archive = _archives[index];
        request.Tried.Add(index);
        try
        {
            return await attempt(this, index, request.Path, cancellationToken).ConfigureAwait(false);
        }
        catch (ArchiveFileNotFoundException e)
        {
            request.Missing.Add(index);
            LogMissing(_logger, archive.Name, request.Path);
            throw request.Exclude(index, e, _archives.Length) ?? (Exception)e;
        }
        catch (ArchiveTransientException)
        {
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

    private async ValueTask<Stream> OpenAtAsync(int index, string path, CancellationToken cancellationToken)
    {
        var lease = await _members[index].Limit.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stream = await _archives[index].OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
            lease.Answered();
            MarkHealthy(index);
            return new PoolStream(stream, this, index, lease, _bandwidth);
        }
        catch (Exception e)
        {
            Settle(index, lease, e);
            throw;
        }
    }

    private async ValueTask<bool> ExistsAtAsync(int index, string path, CancellationToken cancellationToken)
    {
        var lease = await _members[index].Limit.AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var exists = await _archives[index].ExistsAsync(path, cancellationToken).ConfigureAwait(false);
            lease.Answered();
            lease.Release(AdaptiveConcurrencyLimit.Signal.Success);
            MarkHealthy(index);
            return exists ? true : throw new ArchiveFileNotFoundException(_archives[index].Name, path, "not found");
        }
        catch (Exception e) when (e is not ArchiveFileNotFoundException)
        {
            Settle(index, lease, e);
            throw;
        }
    }

    /// <summary>Releases <paramref name="lease"/> after <paramref name="error"/>, marking the archive unhealthy when the failure is transient.</summary>
    private void Settle(int index, AdaptiveConcurrencyLimit.Lease lease, Exception error)
    {
        var transient = error as ArchiveTransientException;
        var overload = ArchiveFailures.IsOverload(error);
        lease.Release(overload ? AdaptiveConcurrencyLimit.Signal.Overload : AdaptiveConcurrencyLimit.Signal.Neutral, transient?.RetryAfter);
        if (transient is not null)
        {
            MarkUnhealthy(index, transient);
        }
    }

    private int IndexOf(IArchiveReader archive)
    {
        var index = Array.IndexOf(_archives, archive);
        ArgumentOutOfRangeException.ThrowIfNegative(index, nameof(archive));
        return index;
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

                var until = _members[i].UnhealthyUntil;
                var healthy = until <= now;
                var busy = _members[i].Limit.InFlight >= _members[i].Limit.Limit;
                var rank = (((healthy ? 0 : 2) + (request.Tried.Contains(i) ? 1 : 0)) * 2) + (busy ? 1 : 0);
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

    /// <summary>
    /// No wait when a healthy archive is left to fail over to; the server's Retry-After (capped at
    /// <see cref="ArchivePoolOptions.MaxDelay"/>) when every archive left asked for one; otherwise null,
    /// Polly's exponential backoff with jitter.
    /// </summary>
    private TimeSpan? DelayOverride(Request request)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var soonestRetryAfter = DateTimeOffset.MaxValue;
        lock (_lock)
        {
            for (var i = 0; i < _members.Length; i++)
            {
                if (request.Excluded.Contains(i))
                {
                    continue;
                }

                if (_members[i].UnhealthyUntil <= now)
                {
                    return TimeSpan.Zero;
                }

                if (_members[i].RetryAfterUntil < soonestRetryAfter)
                {
                    soonestRetryAfter = _members[i].RetryAfterUntil;
                }
            }
        }

        if (soonestRetryAfter == DateTimeOffset.MaxValue || soonestRetryAfter <= now)
        {
            return null;
        }

        var hinted = soonestRetryAfter - now;
        return hinted < _options.MaxDelay ? hinted : _options.MaxDelay;
    }
}
