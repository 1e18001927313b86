using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Verifies every file of an archive range — each checkpoint HAS, every bucket they reference (each
/// distinct bucket once), ledger headers with the chain across the whole range, transactions, results,
/// SCP, and each HAS's bucket-list hash against its checkpoint header — and reports every problem
/// instead of stopping at the first. Files stream through bounded parallel workers; buckets are
/// verified as soon as a HAS names them, ahead of further checkpoint files.
/// </summary>
/// <remarks>
/// Without <see cref="ArchiveVerifierOptions.FromLedger"/> the range starts where the archive does, found by
/// <see cref="ArchiveStartFinder"/> (a search over checkpoint HAS files that does not step over holes). A run of checkpoints that lack every file is one problem, so that
/// the report of an archive with a large hole stays small.
/// </remarks>
public sealed class ArchiveVerifier
{
    private const int Attempts = 3;

    /// <summary>The HAS and the four <see cref="HistoryFileKind"/> files.</summary>
    private const int FilesPerCheckpoint = 5;

    private readonly IArchiveReader _archive;
    private readonly ArchiveVerifierOptions _options;

    public ArchiveVerifier(IArchiveReader archive, ArchiveVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        options ??= new ArchiveVerifierOptions();
        ArgumentNullException.ThrowIfNull(options.Checkpoints);
        ArgumentNullException.ThrowIfNull(options.Limits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Concurrency);
        options.Limits.Validate();
        _archive = archive;
        _options = options;
    }

    /// <summary>Runs the verification. Cancelling stops every file promptly and throws <see cref="OperationCanceledException"/>.</summary>
    public async Task<VerificationReport> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var run = new Run(this);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    [Flags]
    private enum CheckpointFlags : byte
    {
        None = 0,
        ScpPresent = 1,

        /// <summary>The archive has none of the checkpoint's files.</summary>
        Absent = 2,
    }

    private sealed record HeaderSummary(string Path, uint FirstLedger, byte[] FirstPreviousHash, uint LastLedger, byte[] LastHash);

    private sealed class Run
    {
        private readonly IArchiveReader _archive;
        private readonly ArchiveVerifierOptions _options;
        private readonly CheckpointMath _math;
        private readonly ConcurrentQueue<VerificationProblem> _problems = new();
        private readonly ConcurrentDictionary<string, uint> _buckets = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<uint, HeaderSummary> _headers = new();
        private readonly ConcurrentDictionary<uint, bool> _trustedMatched = new();
        private readonly Channel<string> _bucketJobs = Channel.CreateUnbounded<string>();
        private readonly Channel<uint> _checkpointJobs = Channel.CreateUnbounded<uint>();
        private HistoryArchiveState? _root;
        private CheckpointRange _range;

        // One byte per checkpoint of the range (CheckpointFlags), so that even a range of millions of
        // checkpoints costs a few megabytes, whatever the archive lacks.
        private byte[] _flags = [];
        private long _files;
        private long _bytes;
        private int _pending;
        private int _checkpointsDone;
        private int _bucketsDone;
        private int _checkpointsTotal;

        public Run(ArchiveVerifier owner)
        {
            _archive = owner._archive;
            _options = owner._options;
            _math = owner._options.Checkpoints;
        }

        public async Task<VerificationReport> ExecuteAsync(CancellationToken cancellationToken)
        {
            _root = await ReadStateAsync(ArchivePaths.WellKnownState, null, cancellationToken).ConfigureAwait(false);
            var to = _options.ToLedger ?? _root?.CurrentLedger;
            if (to is null)
            {
                return Report(0, trusted: false);
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
            _range = range;
            _flags = new byte[range.Count];
            _checkpointsTotal = range.Count;
            CheckTrustedHashInRange(range);

            _pending = range.Count;
            foreach (var checkpoint in range.Reverse())
            {
                _checkpointJobs.Writer.TryWrite(checkpoint);
            }

            var workers = new Task[Math.Min(_options.Concurrency, Math.Max(1, range.Count * 8))];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(() => WorkAsync(cancellationToken), cancellationToken);
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            CheckChain(range);
            CheckScpPresence(range);
            ReportAbsentRuns(range);
            ReportProgress();
            return Report(range.Count, IsTrusted(range), startsAt);
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
                    await VerifyBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _bucketsDone);
                    Done();
                    continue;
                }

                if (_checkpointJobs.Reader.TryRead(out var checkpoint))
                {
                    await VerifyCheckpointAsync(checkpoint, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _checkpointsDone);
                    Done();
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

        private void Done()
        {
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _bucketJobs.Writer.TryComplete();
                _checkpointJobs.Writer.TryComplete();
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
                    _bucketJobs.Writer.TryWrite(bucket);
                }
            }
        }

        private async Task VerifyCheckpointAsync(uint checkpoint, CancellationToken cancellationToken)
        {
            // Missing files are held back until the whole checkpoint is seen: one that lacks every file
            // belongs to a run reported once (ReportAbsentRuns).
            var absent = new List<string>(FilesPerCheckpoint);
            var statePath = ArchivePaths.HistoryState(checkpoint);
            var state = await ReadStateAsync(statePath, checkpoint, cancellationToken, onMissing: () => absent.Add(statePath)).ConfigureAwait(false);
            if (state is not null)
            {
                if (state.CurrentLedger != checkpoint)
                {
                    Add(statePath, checkpoint, ProblemKind.Corrupt, $"{statePath}: currentLedger is {state.CurrentLedger}, not {checkpoint} (rule: a checkpoint HAS describes its checkpoint)");
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
                headers = await VerifyFileAsync(
                    ledgerPath,
                    checkpoint,
                    (stream, ct) => LedgerHeaderVerifier.VerifyAsync(stream, ledgerPath, checkpoint, _math, null, null, _options.Limits, ct),
                    cancellationToken,
                    onMissing: () => absent.Add(ledgerPath)).ConfigureAwait(false);
            }

            if (headers is not null)
            {
                _headers[checkpoint] = new HeaderSummary(ledgerPath, headers.First.Header.LedgerSeq, headers.First.Header.PreviousLedgerHash, headers.Last.Header.LedgerSeq, headers.Last.Hash);
                CheckTrust(headers);
                if (state is not null)
                {
                    Try(() => HistoryStateVerifier.VerifyAgainstHeader(state, statePath, headers.Last));
                }

                if (_root is not null && _root.CurrentLedger == checkpoint)
                {
                    Try(() => HistoryStateVerifier.VerifyAgainstHeader(_root, ArchivePaths.WellKnownState, headers.Last));
                }

                var previousVersion = PreviousVersionOfFirst(headers);
                var txPath = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
                await VerifyFileAsync(
                    txPath,
                    checkpoint,
                    (stream, ct) => TransactionsVerifier.VerifyAsync(stream, txPath, headers, previousVersion, _options.Limits, ct),
                    cancellationToken,
                    onMissing: () => absent.Add(txPath)).ConfigureAwait(false);

                var resultsPath = ArchivePaths.CheckpointFile(HistoryFileKind.Results, checkpoint);
                await VerifyFileAsync(
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
                await VerifyFileAsync(
                    scpPath,
                    checkpoint,
                    (stream, ct) => ScpVerifier.VerifyAsync(stream, scpPath, checkpoint, _math, _options.Limits, ct),
                    cancellationToken,
                    onMissing: () => scpPresent = false).ConfigureAwait(false);
            }

            var index = IndexOf(checkpoint);
            if (scpPresent)
            {
                _flags[index] |= (byte)CheckpointFlags.ScpPresent;
            }
            else if (absent.Count == FilesPerCheckpoint - 1)
            {
                _flags[index] |= (byte)CheckpointFlags.Absent;
                return;
            }

            // A missing SCP file is a problem only for some checkpoints (CheckScpPresence).
            foreach (var path in absent)
            {
                Add(path, checkpoint, ProblemKind.Missing, MissingMessage(path, null));
            }
        }

        private int IndexOf(uint checkpoint) => (int)((checkpoint - _range.First) / _math.Frequency);

        // The first ledger's empty set follows the previous ledger's protocol; without a version upgrade
        // in this ledger that is its own protocol.
        private static uint? PreviousVersionOfFirst(LedgerHeaderFileResult headers)
        {
            var first = headers.First.Header;
            foreach (var raw in first.ScpValue.Upgrades)
            {
                try
                {
                    if (LedgerUpgrade.FromXdr(raw).Discriminant == LedgerUpgradeType.LEDGER_UPGRADE_VERSION)
                    {
                        return null;
                    }
                }
                catch (XdrException)
                {
                    return null; // an upgrade this build does not know: leave the protocol open
                }
            }

            return first.LedgerVersion;
        }

        private async Task VerifyBucketAsync(string hash, CancellationToken cancellationToken)
        {
            var path = ArchivePaths.Bucket(hash);
            var checkpoint = _buckets[hash];
            await VerifyFileAsync(
                path,
                null,
                (stream, ct) => BucketVerifier.VerifyAsync(stream, hash, path, null, _options.Limits, ct),
                cancellationToken,
                compressed: false,
                missingDetail: string.Create(CultureInfo.InvariantCulture, $"referenced by {ArchivePaths.HistoryState(checkpoint)}")).ConfigureAwait(false);
        }

        private async Task<HistoryArchiveState?> ReadStateAsync(string path, uint? checkpoint, CancellationToken cancellationToken, Action? onMissing = null) =>
            await VerifyFileAsync(
                path,
                checkpoint,
                (stream, ct) => HistoryStateVerifier.ReadAsync(stream, path, _options.NetworkPassphrase, ct),
                cancellationToken,
                compressed: false,
                onMissing: onMissing).ConfigureAwait(false);

        /// <summary>Opens, verifies and counts one file; every failure becomes a problem and null.</summary>
        private async Task<T?> VerifyFileAsync<T>(
            string path,
            uint? ledger,
            Func<Stream, CancellationToken, Task<T>> verify,
            CancellationToken cancellationToken,
            bool compressed = true,
            Action? onMissing = null,
            string? missingDetail = null)
            where T : class
        {
            for (var attempt = 1; ; attempt++)
            {
                long read = 0;
                var opened = false;
                try
                {
                    var raw = await _archive.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
                    opened = true;
                    await using (raw.ConfigureAwait(false))
                    {
                        var counting = new CountingReadStream(raw, null, leaveOpen: true);
                        try
                        {
                            if (!compressed)
                            {
                                return await verify(counting, cancellationToken).ConfigureAwait(false);
                            }

                            return await HistoryGzip.VerifyDecompressedAsync(counting, path, _options.Limits.MaxCheckpointFileDecompressedBytes, verify, cancellationToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            read = counting.BytesRead;
                        }
                    }
                }
                catch (HistoryVerificationException e)
                {
                    _problems.Enqueue(e.Problem);
                    return null;
                }
                catch (ArchiveFileNotFoundException)
                {
                    if (onMissing is not null)
                    {
                        onMissing();
                    }
                    else
                    {
                        Add(path, ledger, ProblemKind.Missing, MissingMessage(path, missingDetail));
                    }

                    return null;
                }
                catch (ArchiveTransientException) when (attempt < Attempts)
                {
                    continue;
                }
                catch (Exception e) when (e is ArchiveException or IOException)
                {
                    Add(path, ledger, ProblemKind.Missing, $"{path}: could not be read: {e.Message} (rule: every file of the range can be read)");
                    return null;
                }
                finally
                {
                    if (opened)
                    {
                        Interlocked.Increment(ref _files);
                        Interlocked.Add(ref _bytes, read);
                    }

                    ReportProgress();
                }
            }
        }

        private void CheckTrustedHashInRange(CheckpointRange range)
        {
            if (_options.TrustedHash is { } trusted
                && (trusted.Ledger < range.FirstLedger || trusted.Ledger > range.Last))
            {
                Add(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, _math.CheckpointContaining(trusted.Ledger)), trusted.Ledger, ProblemKind.Untrusted,
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
                    _problems.Enqueue(e.Problem);
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
                    Try(() => LedgerHeaderVerifier.VerifyLink(older.Path, older.LastLedger, older.LastHash, newer.Path, newer.FirstLedger, newer.FirstPreviousHash));
                }
            }
        }

        private void CheckScpPresence(CheckpointRange range)
        {
            uint? firstWithScp = null;
            foreach (var checkpoint in range)
            {
                var flags = (CheckpointFlags)_flags[IndexOf(checkpoint)];
                if (flags.HasFlag(CheckpointFlags.ScpPresent))
                {
                    firstWithScp ??= checkpoint;
                }
                else if (!flags.HasFlag(CheckpointFlags.Absent) && ScpVerifier.IsMissingFileAProblem(checkpoint, firstWithScp))
                {
                    var path = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, checkpoint);
                    Add(path, checkpoint, ProblemKind.Missing,
                        $"{path}: absent although checkpoint {firstWithScp} has an SCP file (rule: once an archive has SCP files, every later checkpoint has one)");
                }
            }
        }

        private void ReportAbsentRuns(CheckpointRange range)
        {
            for (var i = 0; i < range.Count;)
            {
                if (!((CheckpointFlags)_flags[i]).HasFlag(CheckpointFlags.Absent))
                {
                    i++;
                    continue;
                }

                var end = i;
                while (end + 1 < range.Count && ((CheckpointFlags)_flags[end + 1]).HasFlag(CheckpointFlags.Absent))
                {
                    end++;
                }

                var first = range[i];
                var count = end - i + 1;
                var path = ArchivePaths.HistoryState(first);
                var what = count == 1
                    ? string.Create(CultureInfo.InvariantCulture, $"checkpoint {first} ({FilesPerCheckpoint} files) is missing entirely")
                    : string.Create(CultureInfo.InvariantCulture, $"checkpoints {first}..{range[end]} ({count} checkpoints, {(long)count * FilesPerCheckpoint} files) are missing entirely");
                Add(path, first, ProblemKind.Missing, $"{path}: {what} (rule: every file of the range exists)");
                i = end + 1;
            }
        }

        private static string MissingMessage(string path, string? detail) =>
            $"{path}: the archive has no such file{(detail is null ? "" : " (" + detail + ")")} (rule: every file of the range exists)";

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

        private void Try(Action check)
        {
            try
            {
                check();
            }
            catch (HistoryVerificationException e)
            {
                _problems.Enqueue(e.Problem);
            }
        }

        private void Add(string path, uint? ledger, ProblemKind kind, string message) =>
            _problems.Enqueue(new VerificationProblem(path, ledger, kind, message));

        private void ReportProgress() =>
            _options.Progress?.Report(new VerificationProgress(
                Volatile.Read(ref _checkpointsDone),
                _checkpointsTotal,
                Volatile.Read(ref _bucketsDone),
                _buckets.Count,
                Interlocked.Read(ref _files),
                Interlocked.Read(ref _bytes),
                _problems.Count));

        private VerificationReport Report(int checkpoints, bool trusted, uint? startsAt = null)
        {
            var problems = _problems
                .OrderBy(p => p.Path, StringComparer.Ordinal)
                .ThenBy(p => p.Ledger)
                .ThenBy(p => p.Kind)
                .ToArray();
            return new VerificationReport(problems.Length == 0, checkpoints, Interlocked.Read(ref _files), Interlocked.Read(ref _bytes), problems, trusted, startsAt);
        }
    }
}
