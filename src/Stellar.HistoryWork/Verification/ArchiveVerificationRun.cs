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
internal sealed class ArchiveVerificationRun
{
    private readonly IArchiveReader _archive;
    private readonly ArchiveVerifierOptions _options;
    private readonly CheckpointMath _math;
    private readonly ArchiveProblemCollector _problems;
    private readonly ArchiveFileChecker _files;
    private readonly ConcurrentDictionary<string, uint> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, LedgerFileLink> _headers = new();
    private readonly ConcurrentDictionary<uint, bool> _trustedMatched = new();
    private readonly Channel<string> _bucketJobs = Channel.CreateUnbounded<string>();
    private readonly Channel<uint> _checkpointJobs = Channel.CreateUnbounded<uint>();
    private HistoryArchiveState? _root;
    private int _pending;

    public ArchiveVerificationRun(IArchiveReader archive, ArchiveVerifierOptions options, ArchiveProblemCollector problems, ILogger logger)
    {
        _archive = archive;
        _options = options;
        _math = options.Checkpoints;
        _problems = problems;
        _files = new ArchiveFileChecker(archive, options.Limits, problems, logger);
    }

    public async Task<VerificationReport> ExecuteAsync(CancellationToken cancellationToken)
    {
        _root = await ReadStateAsync(ArchivePaths.WellKnownState, null, cancellationToken).ConfigureAwait(false);
        var to = _options.ToLedger ?? _root?.CurrentLedger;
        if (to is null)
        {
            return _problems.Report(0, trusted: false, startsAt: null);
        }

        uint? startsAt = null;
        var from = _options.FromLedger;
        if (from is null)
        {
            startsAt = await new ArchiveStartFinder(_archive, _math).FindFirstCheckpointAsync(_math.CheckpointContaining(to.Value), cancellationToken).ConfigureAwait(false);
            from = _math.FirstLedgerIn(startsAt.Value);
        }

        if (from == 0 || from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(cancellationToken), $"the ledger range {from}..{to} is empty");
        }

        var range = _math.RangeCovering(from.Value, to.Value);
        _problems.Start(range);
        CheckTrustedHashInRange(range);

        _pending = range.Count;
        foreach (var checkpoint in range.Reverse())
        {
            _checkpointJobs.Writer.TryWrite(checkpoint);
        }

        var workers = new Task[(int)Math.Min(_options.Concurrency, Math.Max(1L, range.Count * 8L))];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(cancellationToken), cancellationToken);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        CheckChain(range);
        _problems.CheckScpPresence();
        _problems.ReportAbsentRuns();
        _problems.ReportProgress();
        return _problems.Report(range.Count, IsTrusted(range), startsAt);
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

    private void AddBuckets(HistoryArchiveState state, uint checkpoint)
    {
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
        await _files.VerifyAsync(
            path,
            null,
            (stream, ct) => BucketVerifier.VerifyAsync(stream, hash, path, null, _options.Limits, ct),
            cancellationToken,
            compressed: false,
            missingDetail: string.Create(CultureInfo.InvariantCulture, $"referenced by {ArchivePaths.HistoryState(checkpoint)}")).ConfigureAwait(false);
    }

    private async Task<HistoryArchiveState?> ReadStateAsync(string path, uint? checkpoint, CancellationToken cancellationToken, Action? onMissing = null) =>
        await _files.VerifyAsync(
            path,
            checkpoint,
            (stream, ct) => HistoryStateVerifier.ReadAsync(stream, path, _options.NetworkPassphrase, ct),
            cancellationToken,
            compressed: false,
            onMissing: onMissing).ConfigureAwait(false);

    private void CheckTrustedHashInRange(CheckpointRange range)
    {
        if (_options.TrustedHash is { } trusted
            && (trusted.Ledger < range.FirstLedger || trusted.Ledger > range.Last))
        {
            _problems.Add(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, _math.CheckpointContaining(trusted.Ledger)), trusted.Ledger, ProblemKind.Untrusted,
                $"the trusted ledger {trusted.Ledger} lies outside the verified ledgers {range.FirstLedger}..{range.Last} (rule: the chain ends at the trusted hash)");
        }
    }

    private void CheckTrust(LedgerHeaderFileResult headers)
    {
        var checks = new List<TrustedLedgerHash>(2);
        if (_options.TrustedHash is { } trusted && headers.Find(trusted.Ledger) is not null)
        {
            checks.Add(trusted);
        }

        if (_options.TrustedCheckpointHashes?.Get(headers.Checkpoint) is { } checkpointHash)
        {
            checks.Add(checkpointHash);
        }

        foreach (var check in checks)
        {
            try
            {
                LedgerHeaderVerifier.VerifyTrusted(headers, check);
                _trustedMatched.TryAdd(check.Ledger, true);
            }
            catch (HistoryVerificationException e)
            {
                _trustedMatched[check.Ledger] = false;
                _problems.Add(e.Problem);
            }
        }
    }

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

    private bool IsTrusted(CheckpointRange range)
    {
        // Trust reaches every ledger of the range only when the newest one is trusted and nothing broke.
        if (!_problems.IsEmpty || !_headers.TryGetValue(range.Last, out var newest))
        {
            return false;
        }

        var anchor = _options.TrustedHash?.Ledger ?? (_options.TrustedCheckpointHashes?.Get(range.Last) is not null ? range.Last : 0);
        return anchor == newest.LastLedger && _trustedMatched.TryGetValue(anchor, out var matched) && matched;
    }
}
