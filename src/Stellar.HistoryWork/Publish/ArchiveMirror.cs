using Microsoft.Extensions.Logging.Abstractions;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.IO;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Copies a range of checkpoints from a source archive to a target: every checkpoint's HAS, every bucket those
/// states reference and every ledger, transactions, results and SCP file — downloaded and verified by the
/// download work (<see cref="HistoryWorkBuilder"/>), then published in publish order by the publish work, each
/// file byte-identical to the source's. Batches of checkpoints run newest first, each older batch anchored to
/// the next newer one by its first header's <c>previousLedgerHash</c>; <c>.well-known</c> is written last, once
/// every batch is in place, and never moved back. A batch's files leave the work directory once the target has
/// them, so the disk a mirror needs is one batch's files, not the archive's. Running it again resumes from the
/// target: a file the target already holds is read back from it and verified like a download (its hash, the chain,
/// its binding to the headers) instead of being fetched from the source; a damaged one is fetched and replaced. The
/// chain read back is anchored to the source's newest header: the caller's trusted hash at the last ledger, the header
/// the last successful run verified (kept in the work directory), or else the source's newest ledger file.
/// </summary>
public sealed partial class ArchiveMirror
{
    private readonly IArchiveReader _source;
    private readonly IArchiveWriter _target;
    private readonly ArchiveMirrorOptions _options;
    private volatile LiveRun? _live;

    /// <param name="source">The archive to copy (one reader or an <c>ArchivePool</c>).</param>
    /// <param name="target">Where to copy it.</param>
    /// <param name="options">What to copy; default: the whole source archive.</param>
    public ArchiveMirror(IArchiveReader source, IArchiveWriter target, ArchiveMirrorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new ArchiveMirrorOptions();
        options.Validate();
        new LedgerRange(options.FromLedger ?? 1, options.ToLedger ?? uint.MaxValue).RequireTrustedHashInside(options.History.TrustedHash);
        _source = source;
        _target = target;
        _options = options;
    }

    /// <summary>Mirrors the range; returns what happened (a source or target problem is reported, not thrown).</summary>
    /// <exception cref="OperationCanceledException">Cancelled; what was published stays valid and a rerun resumes.</exception>
    /// <exception cref="HistoryArchiveStateException">No range was given and the source's <c>.well-known</c> is bad.</exception>
    /// <exception cref="ArchiveException">No range was given and the source's <c>.well-known</c> cannot be read.</exception>
    /// <exception cref="ArgumentException">The trusted hash names a ledger outside the range (<see cref="LedgerRange.TrustedHashOutsideMessage"/>).</exception>
    public async Task<ArchiveMirrorResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var (range, startsAt) = await ResolveRangeAsync(cancellationToken).ConfigureAwait(false);
        LedgerRange.Of(range).RequireTrustedHashInside(_options.History.TrustedHash);
        if (range.First < startsAt)
        {
            // Nothing before the source's start can be copied: stop before downloading anything.
            var problem = ArchiveStartFinder.BeforeStartProblem(_options.FromLedger ?? range.FirstLedger, startsAt, range.Math);
            return new ArchiveMirrorResult(false, range, 0, 0, 0, 0, false, [problem], [problem.Message]) { StartsAt = startsAt };
        }

        var userTrust = _options.History.TrustedHash;
        ShardRun? sharded = null;
        if (_options.Shard is { } shard)
        {
            sharded = await PlanShardAsync(shard, range, startsAt, cancellationToken).ConfigureAwait(false);
            if (sharded.Slice is not { } slice)
            {
                return new ArchiveMirrorResult(true, range, 0, 0, 0, 0, false, [], []) { StartsAt = startsAt, Shard = sharded.Result() };
            }

            // From here on the range is the slice; the job's trusted hash anchors it only when the slice holds its ledger.
            range = slice;
            userTrust = userTrust is not null && slice.Contains(range.Math.CheckpointContaining(userTrust.Ledger)) ? userTrust : null;
        }

        var stage = _options.Stage;
        var batches = Batches(range);
        var workDirectory = _options.History.ResolveWorkDirectory();

        // A rerun reads back what the target already holds instead of fetching it from the source again.
        var reader = _target.Reader is { } targetReader ? new TargetFirstReader(targetReader, _source) : null;
        var userTrustInNewest = userTrust is not null && batches[0].Contains(range.Math.CheckpointContaining(userTrust.Ledger));
        var anchor = reader is null || stage == ArchiveMirrorStage.Buckets ? null : AnchorNewest(reader, range, userTrust, userTrustInNewest, workDirectory);
        var publisher = new ArchivePublisher(_target, _options.History) { HeldByTarget = reader is null ? null : reader.CameFromTarget };
        var logger = publisher.Logger;
        var live = new LiveRun(range, batches.Count, publisher, _options.History.TimeProvider);
        _live = live;
        var problems = new List<VerificationProblem>();
        var errors = new List<string>();
        TrustedLedgerHash? chainedTrust = null;
        (HistoryArchiveState State, byte[] Bytes)? newest = null;
        uint? trustedUpTo = null;
        var mirrored = 0;
        var failed = false;

        for (var i = 0; i < batches.Count && !failed; i++)
        {
            var batch = batches[i];
            logger.MirrorBatchStarting(batch.First, batch.Last, i + 1, batches.Count, _source.Name, publisher.Name);
            var options = _options.History.Clone();
            options.FetchEveryHistoryArchiveState = true;
            // The caller's trusted hash anchors the batch that holds its ledger; every other batch is anchored to the
            // next newer one, which the batch holding the caller's hash checks by hand below.
            var holdsUserTrust = userTrust is not null && batch.Contains(range.Math.CheckpointContaining(userTrust.Ledger));
            options.TrustedHash = holdsUserTrust ? userTrust : (i == 0 ? anchor : chainedTrust);

            using var state = new SharedHistoryState(options.TimeProvider);
            var builder = new HistoryWorkBuilder((IArchiveReader?)reader ?? _source, batch, state, options);
            live.Current = (batch, state, i);
            var scheduler = new WorkScheduler(new WorkSchedulerOptions
            {
                MaxConcurrency = _options.MaxConcurrency,
                RetryDelay = _options.RetryDelay,
                TimeProvider = options.TimeProvider,
                LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance,
                MeterFactory = options.MeterFactory,
                Progress = _options.WorkProgress,
            });
            await using (scheduler.ConfigureAwait(false))
            {
                if (stage == ArchiveMirrorStage.Everything)
                {
                    var ids = builder.Register(scheduler);
                    builder.RegisterPublish(scheduler, publisher, ids, publishWellKnown: false);
                }
                else
                {
                    builder.RegisterMirrorStage(scheduler, publisher, stage, sharded!.OwnsBucket);
                }

                var result = await scheduler.RunToCompletionAsync(cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (!result.Succeeded)
                {
                    failed = true;
                    Collect(result, problems, errors);
                    if (i == 0 && anchor is not null)
                    {
                        // The recorded header may be one the source no longer serves: the next run anchors afresh.
                        MirrorAnchor.Forget(workDirectory);
                    }

                    logger.MirrorBatchFailed(batch.First, batch.Last, publisher.Name, errors.Count > 0 ? errors[0] : result.ToString());
                    break;
                }
            }

            if (holdsUserTrust && chainedTrust is not null
                && await BreaksLinkAsync(state, batch, chainedTrust, cancellationToken).ConfigureAwait(false) is { } broken)
            {
                failed = true;
                problems.Add(broken);
                errors.Add(broken.Message);
                break;
            }

            mirrored += batch.Count;
            if (stage == ArchiveMirrorStage.Buckets)
            {
                // No header bound these HAS files: they never took their final name, and leave the work directory now.
                await ReleaseAsync(builder, keepBuckets: reader is null, cancellationToken).ConfigureAwait(false);
                ReleaseUnbound(builder, batch);
                live.Current = (null, null, i + 1);
                live.CheckpointsDone = mirrored;
                _options.Progress?.Report(live.Snapshot(null, null));
                continue;
            }

            if (sharded is not null)
            {
                await sharded.RecordEndsAsync(state, batch, cancellationToken).ConfigureAwait(false);
            }

            var states = await state.GetHistoryArchiveStatesAsync(cancellationToken).ConfigureAwait(false);
            if (newest is null)
            {
                var last = states[batch.Last];
                newest = (last, await ArchivePublisher.StateBytesAsync(builder.Store, batch.Last, last, cancellationToken).ConfigureAwait(false));
                var newestHeader = (await state.GetHeadersAsync(batch.Last, cancellationToken).ConfigureAwait(false)).Last;
                await MirrorAnchor.WriteAsync(workDirectory, _source.Location, new TrustedLedgerHash(newestHeader.Header.LedgerSeq, newestHeader.Hash), cancellationToken).ConfigureAwait(false);
            }

            // Batches run newest first, so the first anchor the caller's trust gives is the highest (a mirror's own
            // anchor is not the caller's trust).
            if (trustedUpTo is null && ((i == 0 && anchor is null) || holdsUserTrust))
            {
                trustedUpTo = await state.GetTrustedUpToAsync(cancellationToken).ConfigureAwait(false);
            }

            // The older batch must end exactly where this one's first header says the chain came from.
            var oldest = await state.GetHeadersAsync(batch.First, cancellationToken).ConfigureAwait(false);
            var previousLedger = oldest.First.Header.LedgerSeq - 1;
            chainedTrust = previousLedger > 0 ? new TrustedLedgerHash(previousLedger, oldest.First.Header.PreviousLedgerHash) : null;
            await ReleaseAsync(builder, keepBuckets: reader is null, cancellationToken).ConfigureAwait(false);
            live.Current = (null, null, i + 1);
            _options.Progress?.Report(live.Snapshot(null, null));
        }

        if (!failed && newest is { } top && stage == ArchiveMirrorStage.Everything)
        {
            try
            {
                await publisher.RunTimedAsync(
                    ArchivePublisher.StatesStage,
                    _options.History.TimeProvider,
                    ct => publisher.PublishWellKnownAsync(top.State, top.Bytes, ct),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed = true;
                errors.Add($"{ArchivePaths.WellKnownState}: {e.Message}");
            }
        }

        logger.MirrorFinished(publisher.Name, publisher.FilesWritten, publisher.BytesWritten, publisher.FilesSkipped);
        var trusted = !failed && trustedUpTo == range.Last;
        return new ArchiveMirrorResult(!failed, range, mirrored, publisher.FilesWritten, publisher.FilesSkipped, publisher.BytesWritten, trusted, problems, errors)
        {
            TrustedUpTo = failed ? null : trustedUpTo,
            StartsAt = startsAt,
            BytesPublished = publisher.BytesPublished,
            Shard = sharded?.Result(),
        };
    }

    /// <summary>
    /// What anchors the newest header when the chain may be read back from the target: the caller's trusted hash when it
    /// names the range's last ledger; else the source's newest header as an earlier run verified it (returned, to be
    /// the newest batch's trusted hash; a target header that differs is refetched from the source); else the source's
    /// own newest ledger file, which is then never read from the target.
    /// </summary>
    private TrustedLedgerHash? AnchorNewest(TargetFirstReader reader, CheckpointRange range, TrustedLedgerHash? userTrust, bool userTrustInNewest, string workDirectory)
    {
        if (userTrust?.Ledger == range.Last)
        {
            return null;
        }

        if (!userTrustInNewest && MirrorAnchor.Read(workDirectory, _source.Location) is { } known && known.Ledger == range.Last)
        {
            return known;
        }

        reader.ReadFromSource(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, range.Last));
        return null;
    }

    /// <summary>
    /// The batch is at the target: its files leave the work directory, so a mirror holds one batch's files at a time.
    /// A bucket an older batch names again is then read back from the target; only when the target cannot be read
    /// back do buckets stay, or the source would be asked for them again.
    /// </summary>
    private static async Task ReleaseAsync(HistoryWorkBuilder builder, bool keepBuckets, CancellationToken cancellationToken)
    {
        var published = await builder.State.GetPublishableAsync(cancellationToken).ConfigureAwait(false);
        var files = published.Files.Values
            .Concat(published.States.Keys.Select(c => builder.Store.LocalPath(ArchivePaths.HistoryState(c))))
            .Concat(keepBuckets ? [] : published.Buckets.Values);
        foreach (var file in files)
        {
            AtomicFile.TryDelete(file);
        }
    }

    /// <summary>The chain-break problem when the batch's newest header is not the one the next newer batch chains to.</summary>
    private static async Task<VerificationProblem?> BreaksLinkAsync(SharedHistoryState state, CheckpointRange batch, TrustedLedgerHash newerLink, CancellationToken cancellationToken)
    {
        var newest = (await state.GetHeadersAsync(batch.Last, cancellationToken).ConfigureAwait(false)).Last;
        if (newest.Header.LedgerSeq == newerLink.Ledger && newest.Hash.AsSpan().SequenceEqual(newerLink.Hash))
        {
            return null;
        }

        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, batch.Last);
        return new VerificationProblem(path, newest.Header.LedgerSeq, ProblemKind.ChainBreak,
            $"{path}: ledger {newest.Header.LedgerSeq} has hash {HashHex.ToHex(newest.Hash)}, but the next ledger names {HashHex.ToHex(newerLink.Hash)} as its previous (rule: the header chain links across files)");
    }

    /// <summary>The checkpoints to copy and where the source starts (the default first checkpoint).</summary>
    private async Task<(CheckpointRange Range, uint StartsAt)> ResolveRangeAsync(CancellationToken cancellationToken)
    {
        var math = _options.History.Checkpoints;
        var to = _options.ToLedger;
        if (to is null)
        {
            var stream = await _source.OpenReadAsync(ArchivePaths.WellKnownState, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var root = await HistoryArchiveState.ReadAsync(stream, ArchivePaths.WellKnownState, _options.History.NetworkPassphrase, cancellationToken).ConfigureAwait(false);
                to = root.CurrentLedger;
            }
        }

        var last = math.CheckpointContaining(to.Value);
        var startsAt = await new ArchiveStartFinder(_source, math).FindFirstCheckpointAsync(last, cancellationToken).ConfigureAwait(false);
        var first = _options.FromLedger is { } from ? math.CheckpointContaining(from) : startsAt;
        if (first > last)
        {
            throw new ArgumentException($"The range starts at checkpoint {first}, after the last checkpoint {last}.");
        }

        return (new CheckpointRange(first, last, math), startsAt);
    }

    /// <summary>The range cut into batches, newest first.</summary>
    private List<CheckpointRange> Batches(CheckpointRange range)
    {
        var batches = new List<CheckpointRange>();
        var size = _options.CheckpointsPerBatch;
        for (var start = 0; start < range.Count; start += size)
        {
            var end = Math.Min(start + size, range.Count) - 1;
            batches.Add(new CheckpointRange(range[start], range[end], range.Math));
        }

        batches.Reverse();
        return batches;
    }

    private static void Collect(WorkSchedulerResult result, List<VerificationProblem> problems, List<string> errors)
    {
        foreach (var work in result.Works.Where(w => w.State == WorkState.Failed))
        {
            errors.Add($"{work.Name}: {work.Reason}");
            if (work.Error is { } error)
            {
                problems.AddRange(FailureClassifier.ToProblems(error, work.Name));
            }
        }
    }
}
