using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// One run of <see cref="ArchiveVerifier"/>: plans the range, feeds checkpoint and bucket jobs to bounded
/// parallel workers, and applies the rules that span files once every file was seen (docs/ARCHIVE-FORMAT.md §4).
/// Buckets are verified as soon as a HAS names them, ahead of further checkpoint files. Whatever one job
/// throws ends that job with a problem, never the run: every job is counted done, so no worker waits forever.
/// </summary>
internal sealed partial class ArchiveVerificationRun
{
    private readonly IArchiveReader _archive;
    private readonly ArchiveVerifierOptions _options;
    private readonly CheckpointMath _math;
    private readonly ArchiveProblemCollector _problems;
    private readonly ArchiveFileChecker _files;
    private readonly ConcurrentDictionary<string, uint> _buckets = new(StringComparer.Ordinal);

    // Which buckets a bucket-list hash covers (a curr or snap of some HAS), which only a level's next.output names, and
    // which verified: what the report lists as present but not bound.
    private readonly ConcurrentDictionary<string, bool> _boundBuckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _outputBuckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _verifiedBuckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, LedgerFileLink> _headers = new();
    private readonly ConcurrentDictionary<uint, bool> _trustedMatched = new();
    private readonly BucketListStructureChecks _structure;
    private readonly Channel<string> _bucketJobs = Channel.CreateUnbounded<string>();
    private readonly Channel<uint> _checkpointJobs = Channel.CreateBounded<uint>(64);
    private HistoryArchiveState? _root;
    private LedgerRange? _ledgers;
    private int _pending;

    public ArchiveVerificationRun(IArchiveReader archive, ArchiveVerifierOptions options, ArchiveProblemCollector problems, ILogger logger)
    {
        _archive = archive;
        _options = options;
        _math = options.Checkpoints;
        _problems = problems;
        _files = new ArchiveFileChecker(archive, options.Limits, problems, logger);
        _structure = new BucketListStructureChecks(problems);
    }

    public async Task<VerificationReport> ExecuteAsync(CancellationToken cancellationToken)
    {
        var report = await ExecuteRangeAsync(cancellationToken).ConfigureAwait(false);
        return WithShard(report);
    }

    private async Task<VerificationReport> ExecuteRangeAsync(CancellationToken cancellationToken)
    {
        if (ReadsRootState)
        {
            _root = await ReadStateAsync(ArchivePaths.WellKnownState, null, cancellationToken).ConfigureAwait(false);
        }

        var finder = new ArchiveStartFinder(_archive, _math);
        if (_options.ToLedger is null && _root is not null && await finder.CheckRootClaimAsync(_root, cancellationToken).ConfigureAwait(false) is { } claim)
        {
            _problems.Add(claim);
            return _problems.Report(0, null, null);
        }

        var to = _options.ToLedger ?? _root?.CurrentLedger;
        if (to is null)
        {
            return _problems.Report(0, null, null);
        }

        uint startsAt;
        try
        {
            startsAt = await finder.FindFirstCheckpointAsync(_math.CheckpointContaining(to.Value), cancellationToken).ConfigureAwait(false);
        }
        catch (ArchiveException e)
        {
            // No answer where the archive starts: the run cannot be planned, and no start is claimed.
            _problems.Add(FailureClassifier.ToProblem(e, e.Path));
            return _problems.Report(0, null, null);
        }

        var from = _options.FromLedger ?? _math.FirstLedgerIn(startsAt);
        if (from > to)
        {
            // The archive's start lies after the last ledger asked for: nothing of the range is in it.
            from = to.Value;
        }

        var range = _math.RangeCovering(from, to.Value);
        _ledgers = new LedgerRange(from, to.Value);
        CheckTrustedHashInRange();
        if (_options.Shard is { } shard)
        {
            // From here on the range is the slice; the job's range was only needed for the trusted hash.
            if (await PlanShardAsync(shard, range, startsAt, cancellationToken).ConfigureAwait(false) is not { } slice)
            {
                return _problems.Report(0, null, startsAt);
            }

            range = slice;
            to = _ledgers.Value.Last;
        }

        _problems.Start(range);

        // Checkpoints before the archive's start are one absent run, known without asking for each file.
        var present = 0;
        foreach (var checkpoint in range)
        {
            if (checkpoint < startsAt)
            {
                _problems.Absent(checkpoint);
            }
            else
            {
                present++;
            }
        }

        _pending = present;
        _problems.CheckpointsSkipped(range.Count - present);
        if (present == 0)
        {
            _problems.ReportAbsentRuns();
            return _problems.Report(range.Count, null, startsAt, range.FirstLedger, to);
        }

        // Fed lazily, newest first, so that planning a huge range costs no more than its flags (a byte a checkpoint).
        var feeder = FeedCheckpointsAsync(range, startsAt, cancellationToken);
        var workers = new Task[(int)Math.Min(_options.MaxConcurrency, Math.Max(1L, range.Count * 8L))];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(cancellationToken), cancellationToken);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        await feeder.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        CheckChain(range);
        _problems.CheckScpPresence();
        _problems.ReportAbsentRuns();
        _problems.ReportProgress();
        return _problems.Report(range.Count, TrustedUpTo(range), startsAt, range.FirstLedger, to) with { UnboundBuckets = UnboundBuckets() };
    }

    private async Task FeedCheckpointsAsync(CheckpointRange range, uint startsAt, CancellationToken cancellationToken)
    {
        for (var i = range.Count - 1; i >= 0 && range[i] >= startsAt; i--)
        {
            await _checkpointJobs.Writer.WriteAsync(range[i], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True only when the archive answers that it has no such file.</summary>
    private Task<bool> IsAbsentAsync(string path, CancellationToken cancellationToken) =>
        ArchiveStartFinder.IsAbsentAsync(_archive, path, cancellationToken);

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_bucketJobs.Reader.TryRead(out var bucket))
            {
                await RunJobAsync(ArchivePaths.Bucket(bucket), null, ct => VerifyBucketAsync(bucket, ct), _problems.BucketDone, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (_checkpointJobs.Reader.TryRead(out var checkpoint))
            {
                await RunJobAsync(ArchivePaths.HistoryState(checkpoint), checkpoint, ct => VerifyCheckpointAsync(checkpoint, ct), _problems.CheckpointDone, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var bucketWait = _bucketJobs.Reader.WaitToReadAsync(cancellationToken).AsTask();
            var checkpointWait = _checkpointJobs.Reader.WaitToReadAsync(cancellationToken).AsTask();
            await Task.WhenAny(bucketWait, checkpointWait).ConfigureAwait(false);
            if (bucketWait.IsCompleted && checkpointWait.IsCompleted
                && !await bucketWait.ConfigureAwait(false) && !await checkpointWait.ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Runs one job so that it always counts as done: an exception nothing else expected (a bug, a reader that
    /// throws an untyped exception) becomes a problem naming the job's file instead of stopping this worker
    /// while the others wait for the job forever.
    /// </summary>
    private async Task RunJobAsync(string path, uint? ledger, Func<CancellationToken, Task> job, Action done, CancellationToken cancellationToken)
    {
        try
        {
            await job(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            _problems.Add(FailureClassifier.ToProblem(e, path, ledger));
        }
        finally
        {
            done();
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _bucketJobs.Writer.TryComplete();
                _checkpointJobs.Writer.TryComplete();
            }
        }
    }

    // Present and well-formed, but named only as the output of a finished merge: no header's bucket-list hash covers it.
    private string[] UnboundBuckets() =>
        [.. _outputBuckets.Keys.Where(hash => _verifiedBuckets.ContainsKey(hash) && !_boundBuckets.ContainsKey(hash)).Order(StringComparer.Ordinal)];

    private void AddBuckets(HistoryArchiveState state, uint checkpoint)
    {
        foreach (var level in state.CurrentBuckets.Concat(state.HotArchiveBuckets ?? []))
        {
            _boundBuckets.TryAdd(level.Curr, true);
            _boundBuckets.TryAdd(level.Snap, true);
            if (level.Next.State == FutureBucketState.HashOutput && level.Next.Output is { } output)
            {
                _outputBuckets.TryAdd(output, true);
            }
        }

        foreach (var bucket in state.GetReferencedBuckets())
        {
            if (_buckets.TryAdd(bucket, checkpoint))
            {
                // Counted before the running checkpoint job finishes, so the run cannot end early.
                Interlocked.Increment(ref _pending);
                _problems.BucketQueued();
                _bucketJobs.Writer.TryWrite(bucket);
            }
        }
    }

    private async Task VerifyCheckpointAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        // Missing files are held back until the whole checkpoint is seen: one that lacks every file
        // belongs to a run reported once (ArchiveProblemCollector.ReportAbsentRuns).
        var absent = new List<string>(ArchiveProblemCollector.FilesPerCheckpoint);
        var statePath = ArchivePaths.HistoryState(checkpoint);
        var state = await ReadStateAsync(statePath, checkpoint, cancellationToken, onMissing: () => absent.Add(statePath)).ConfigureAwait(false);
        if (state is not null)
        {
            if (state.CurrentLedger != checkpoint)
            {
                _problems.Add(statePath, checkpoint, ProblemKind.Corrupt, $"{statePath}: currentLedger is {state.CurrentLedger}, not {checkpoint} (rule: a checkpoint HAS describes its checkpoint)");
            }

            AddBuckets(state, checkpoint);
            _structure.Add(state, statePath, checkpoint);
        }

        // Without its HAS the checkpoint is likely part of a hole: asking whether each other file exists
        // before opening it is far cheaper there than a failed open per file.
        var probeFirst = absent.Count == 1;
        var ledgerPath = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint);
        LedgerHeaderFileResult? headers = null;
        if (probeFirst && await IsAbsentAsync(ledgerPath, cancellationToken).ConfigureAwait(false))
        {
            absent.Add(ledgerPath);
        }
        else
        {
            headers = await _files.VerifyAsync(
                ledgerPath,
                checkpoint,
                (stream, ct) => LedgerHeaderVerifier.VerifyAsync(stream, ledgerPath, checkpoint, _math, null, null, _options.Limits, ct),
                cancellationToken,
                onMissing: () => absent.Add(ledgerPath)).ConfigureAwait(false);
        }

        if (headers is not null)
        {
            _headers[checkpoint] = LedgerFileLink.Of(headers);
            CheckTrust(headers);
            if (state is not null)
            {
                _problems.Try(() => HistoryStateVerifier.VerifyAgainstHeader(state, statePath, headers.Last));
            }

            if (_root is not null && _root.CurrentLedger == checkpoint)
            {
                _problems.Try(() => HistoryStateVerifier.VerifyAgainstHeader(_root, ArchivePaths.WellKnownState, headers.Last));
            }

            // The previous checkpoint's headers may still be in flight: the verifier derives the version
            // before the first ledger itself (EmptyTransactionSet.ProtocolBefore).
            var txPath = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
            await _files.VerifyAsync(
                txPath,
                checkpoint,
                (stream, ct) => TransactionsVerifier.VerifyAsync(stream, txPath, headers, null, _options.Limits, ct),
                cancellationToken,
                onMissing: () => absent.Add(txPath)).ConfigureAwait(false);

            var resultsPath = ArchivePaths.CheckpointFile(HistoryFileKind.Results, checkpoint);
            await _files.VerifyAsync(
                resultsPath,
                checkpoint,
                (stream, ct) => ResultsVerifier.VerifyAsync(stream, resultsPath, headers, _options.Limits, ct),
                cancellationToken,
                onMissing: () => absent.Add(resultsPath)).ConfigureAwait(false);
        }
        else
        {
            // Without headers these cannot be verified, but whether they exist is still reported.
            foreach (var path in new[] { ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint), ArchivePaths.CheckpointFile(HistoryFileKind.Results, checkpoint) })
            {
                if (await IsAbsentAsync(path, cancellationToken).ConfigureAwait(false))
                {
                    absent.Add(path);
                }
            }
        }

        var scpPath = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, checkpoint);
        var scpPresent = !(probeFirst && await IsAbsentAsync(scpPath, cancellationToken).ConfigureAwait(false));
        if (scpPresent)
        {
            await _files.VerifyAsync(
                scpPath,
                checkpoint,
                (stream, ct) => ScpVerifier.VerifyAsync(stream, scpPath, checkpoint, _math, _options.Limits, ct),
                cancellationToken,
                onMissing: () => scpPresent = false).ConfigureAwait(false);
        }

        if (scpPresent)
        {
            _problems.ScpPresent(checkpoint);
        }
        else if (absent.Count == ArchiveProblemCollector.FilesPerCheckpoint - 1)
        {
            _problems.Absent(checkpoint);
            return;
        }

        // A missing SCP file is a problem only for some checkpoints (ArchiveProblemCollector.CheckScpPresence).
        foreach (var path in absent)
        {
            _problems.Missing(path, checkpoint);
        }
    }

    private async Task VerifyBucketAsync(string hash, CancellationToken cancellationToken)
    {
        var path = ArchivePaths.Bucket(hash);
        var checkpoint = _buckets[hash];
        var result = await _files.VerifyAsync(
            path,
            null,
            (stream, ct) => BucketVerifier.VerifyAsync(stream, hash, path, null, _options.Limits, ct),
            cancellationToken,
            compressed: false,
            missingDetail: string.Create(CultureInfo.InvariantCulture, $"referenced by {ArchivePaths.HistoryState(checkpoint)}")).ConfigureAwait(false);
        if (result is not null)
        {
            _verifiedBuckets.TryAdd(hash, true);
        }

        _structure.BucketDone(hash, result is null ? null : result.MetaLedgerVersion ?? 0, result?.IsHotArchive);
    }

    private async Task<HistoryArchiveState?> ReadStateAsync(string path, uint? checkpoint, CancellationToken cancellationToken, Action? onMissing = null) =>
        await _files.VerifyAsync(
            path,
            checkpoint,
            (stream, ct) => HistoryStateVerifier.ReadAsync(stream, path, _options.NetworkPassphrase, ct),
            cancellationToken,
            compressed: false,
            onMissing: onMissing).ConfigureAwait(false);

    private void CheckChain(CheckpointRange range)
    {
        // Newest back: each older file must end where the next newer one begins.
        for (var i = range.Count - 1; i > 0; i--)
        {
            if (_headers.TryGetValue(range[i], out var newer) && _headers.TryGetValue(range[i - 1], out var older))
            {
                _problems.Try(() => newer.VerifyFollows(older));
            }
        }
    }
}
