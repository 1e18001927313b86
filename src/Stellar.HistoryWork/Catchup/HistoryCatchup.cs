using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork;

/// <summary>
/// A node's catchup in one call: "catch up to ledger N anchored at trusted hash H". Computes the range with the
/// reference node's rules (<see cref="CatchupRange"/>), optionally waits for the archive to publish the checkpoint,
/// resolves the trust (<see cref="CatchupTrust"/>), registers the download work on a scheduler (its own, or the
/// caller's with <see cref="RegisterAsync"/>) and hands over the verified <see cref="CheckpointData"/> — whole, or
/// checkpoint by checkpoint (<see cref="CatchupByCheckpointAsync"/>).
/// </summary>
public sealed class HistoryCatchup
{
    private readonly IArchiveReader _archive;
    private readonly HistoryWorkOptions _options;
    private readonly WorkSchedulerOptions _schedulerOptions;

    /// <summary>A catchup from <paramref name="archive"/> (one reader or a pool).</summary>
    /// <param name="archive">Where the history comes from.</param>
    /// <param name="options">Work directory, passphrase, checkpoint frequency, clock, logging, metrics; its trust settings are replaced by each request's.</param>
    /// <param name="schedulerOptions">For the scheduler this class runs itself; by default one with the options' clock, logging, metrics and download concurrency.</param>
    public HistoryCatchup(IArchiveReader archive, HistoryWorkOptions? options = null, WorkSchedulerOptions? schedulerOptions = null)
    {
        _archive = archive ?? throw new ArgumentNullException(nameof(archive));
        _options = options ?? new HistoryWorkOptions();
        _schedulerOptions = schedulerOptions ?? new WorkSchedulerOptions
        {
            MaxConcurrency = _options.MaxConcurrentDownloads,
            TimeProvider = _options.TimeProvider,
            LoggerFactory = _options.LoggerFactory ?? NullLoggerFactory.Instance,
            MeterFactory = _options.MeterFactory,
        };
    }

    /// <summary>Runs the catchup on a scheduler of its own and returns everything verified.</summary>
    /// <exception cref="HistoryCatchupException">A work failed, the archives did not agree, or the checkpoint was not published in time.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<HistoryCatchupResult> CatchupAsync(HistoryCatchupRequest request, CancellationToken cancellationToken = default)
    {
        await using var scheduler = new WorkScheduler(_schedulerOptions);
        using var registration = await RegisterAsync(scheduler, request, cancellationToken).ConfigureAwait(false);
        var run = await scheduler.RunToCompletionAsync(cancellationToken).ConfigureAwait(false);
        return await registration.GetResultAsync(run, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the catchup on a scheduler of its own and yields the range checkpoint by checkpoint, in ledger order, while
    /// later checkpoints still download. Trust flows down from the newest header, so the header chain of the whole
    /// range is verified first (and the buckets fetched): a bad header anywhere fails before anything is yielded. Then
    /// each checkpoint is yielded as soon as its transactions, results and SCP files verified against those headers,
    /// the download never running more than <see cref="HistoryWorkOptions.MaxConcurrentDownloads"/> checkpoints ahead
    /// of the one the caller is on, so what waits for a slow caller stays bounded. A bad file stops the stream after
    /// the checkpoints before it.
    /// </summary>
    /// <exception cref="HistoryCatchupException">A work failed (the message names the file and the rule), the archives did not agree, or the checkpoint was not published in time.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async IAsyncEnumerable<CheckpointData> CatchupByCheckpointAsync(HistoryCatchupRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (range, options) = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        var lookAhead = new CheckpointLookAhead(range.Checkpoints, options.MaxConcurrentDownloads, options.RequireScpHistory);
        await using var scheduler = new WorkScheduler(_schedulerOptions);
        using var registration = Register(range, request, options, builder => builder.RegisterStreaming(scheduler, lookAhead));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = scheduler.RunToCompletionAsync(stop.Token);
        try
        {
            for (var i = 0; i < range.Checkpoints.Count; i++)
            {
                if (!await lookAhead.WaitReadyAsync(i, run, cancellationToken).ConfigureAwait(false))
                {
                    registration.ThrowIfFailed(await run.ConfigureAwait(false), cancellationToken);
                    throw new InvalidOperationException($"catchup ({range}) ended without checkpoint {range.Checkpoints[i]}");
                }

                yield return await registration.State.BuildStreamedCheckpointDataAsync(range.Checkpoints[i], cancellationToken).ConfigureAwait(false);
                lookAhead.Consumed(i + 1);
            }

            registration.ThrowIfFailed(await run.ConfigureAwait(false), cancellationToken);
        }
        finally
        {
            // A caller that stops early (or fails) stops the download; the run always ends, cancelled or not.
            await stop.CancelAsync().ConfigureAwait(false);
            await run.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Prepares the catchup (waits for publication when asked, resolves the trust) and registers its work on
    /// <paramref name="scheduler"/>; the caller runs the scheduler, then calls <see cref="HistoryCatchupRegistration.GetResultAsync"/>.
    /// </summary>
    /// <exception cref="HistoryCatchupException">The archives did not agree, or the checkpoint was not published in time.</exception>
    /// <exception cref="ArgumentException">The trusted hash names a ledger the catchup does not establish.</exception>
    public async Task<HistoryCatchupRegistration> RegisterAsync(WorkScheduler scheduler, HistoryCatchupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var (range, options) = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        return Register(range, request, options, builder => builder.Register(scheduler));
    }

    /// <summary>
    /// Polls the archive's <c>.well-known/stellar-history.json</c> until it names <paramref name="checkpoint"/> or a
    /// later one, waiting <paramref name="firstDelay"/>, then twice as long each time up to <paramref name="maxDelay"/>
    /// (on the options' clock). An unreachable archive counts as not yet published.
    /// </summary>
    /// <returns>The archive's newest state, at or after <paramref name="checkpoint"/>.</returns>
    /// <exception cref="HistoryCatchupException">Not published within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<HistoryArchiveState> WaitForCheckpointAsync(uint checkpoint, TimeSpan timeout, TimeSpan firstDelay, TimeSpan maxDelay, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, firstDelay);
        using var deadline = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var delay = firstDelay;
        string newest = "nothing readable";
        try
        {
            while (true)
            {
                try
                {
                    var stream = await _archive.OpenReadAsync(ArchivePaths.WellKnownState, linked.Token).ConfigureAwait(false);
                    await using (stream.ConfigureAwait(false))
                    {
                        var state = await HistoryArchiveState.ReadAsync(stream, ArchivePaths.WellKnownState, _options.NetworkPassphrase, linked.Token).ConfigureAwait(false);
                        if (state.CurrentLedger >= checkpoint)
                        {
                            return state;
                        }

                        newest = $"checkpoint {state.CurrentLedger}";
                    }
                }
                catch (ArchiveException e)
                {
                    newest = e.Message;
                }

                await Task.Delay(delay, _options.TimeProvider, linked.Token).ConfigureAwait(false);
                delay = delay * 2 > maxDelay ? maxDelay : delay * 2;
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HistoryCatchupException($"{_archive.Name}: checkpoint {checkpoint} was not published within {timeout}; the archive has {newest}", e);
        }
    }

    /// <summary>Computes the range, waits for publication when asked, and settles the options' trust from the request.</summary>
    private async Task<(CatchupRange Range, HistoryWorkOptions Options)> PrepareAsync(HistoryCatchupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var range = CatchupRange.For(request.ToLedger, request.FromLedger, _options.Checkpoints);
        if (request.WaitForPublication is { } timeout)
        {
            await WaitForCheckpointAsync(range.Checkpoints.Last, timeout, request.FirstPollDelay, request.MaxPollDelay, cancellationToken).ConfigureAwait(false);
        }

        var options = _options.Clone();
        options.TrustedHash = null;
        options.TrustedCheckpointHashes = null;
        switch (request.Trust.Source)
        {
            case CatchupTrustSource.Consensus:
                options.TrustedHash = request.Trust.Hash;
                break;
            case CatchupTrustSource.CheckpointHashesFile:
                options.TrustedCheckpointHashes = request.Trust.CheckpointHashes;
                break;
            default:
                options.TrustedHash = await AgreedHashAsync(request.Trust, request.ToLedger, cancellationToken).ConfigureAwait(false);
                break;
        }

        return (range, options);
    }

    /// <summary>A builder over a fresh shared state, registered by <paramref name="register"/>.</summary>
    private HistoryCatchupRegistration Register(CatchupRange range, HistoryCatchupRequest request, HistoryWorkOptions options, Func<HistoryWorkBuilder, HistoryWorkIds> register)
    {
        var state = new SharedHistoryState(_options.TimeProvider, request.Progress);
        try
        {
            var ids = register(new HistoryWorkBuilder(_archive, range, state, options));
            return new HistoryCatchupRegistration(range, request.Trust.Source, ids, state);
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }

    /// <summary>The header hash of <paramref name="ledger"/> that the trust's archives agree on.</summary>
    private async Task<TrustedLedgerHash> AgreedHashAsync(CatchupTrust trust, uint ledger, CancellationToken cancellationToken)
    {
        var math = _options.Checkpoints;
        var answers = await Task.WhenAll(trust.Archives!.Select(a => HeaderHashAsync(a, ledger, math, cancellationToken))).ConfigureAwait(false);
        var distinct = answers.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 1)
        {
            throw new HistoryCatchupException($"the archives disagree on ledger {ledger}'s header ({distinct.Count} different hashes): no trust from agreement");
        }

        var agreeing = answers.Count(a => a is not null);
        if (agreeing < trust.MinimumAgreeing)
        {
            throw new HistoryCatchupException($"only {agreeing} of {trust.Archives!.Count} archives served ledger {ledger}'s header; {trust.MinimumAgreeing} must agree");
        }

        return new TrustedLedgerHash(ledger, HashHex.Parse(distinct[0]));
    }

    /// <summary>The hash of <paramref name="ledger"/>'s header as <paramref name="archive"/> serves it (computed, not the claimed one), or null when it cannot.</summary>
    private static async Task<string?> HeaderHashAsync(IArchiveReader archive, uint ledger, CheckpointMath math, CancellationToken cancellationToken)
    {
        try
        {
            var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, math.CheckpointContaining(ledger));
            var stream = await archive.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var records = XdrRecordReader.OpenGzip(stream, sourceName: path, leaveOpen: true);
                while (records.ReadNext())
                {
                    var entry = records.DecodeCurrent<LedgerHeaderHistoryEntry>();
                    if (entry.Header.LedgerSeq == ledger)
                    {
                        return HashHex.ToHex(StellarHashes.LedgerHeaderHash(entry.Header));
                    }
                }

                return null;
            }
        }
        catch (Exception e) when (e is ArchiveException or XdrException or IOException)
        {
            return null;
        }
    }
}
