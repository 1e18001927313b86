using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork;

/// <summary>
/// What the download work items have verified so far, shared between them and readable at any time.
/// Every access goes through one <see cref="SemaphoreSlim"/>, so readers always see a consistent snapshot
/// while stages run in parallel. Large data (buckets, checkpoint files) stays on disk: the state holds
/// paths, the HAS and the verified ledger headers, which the later stages verify against.
/// </summary>
public sealed class SharedHistoryState : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<HistoryWorkStage, StageCounters> _stages = [];
    private readonly SortedDictionary<uint, LedgerHeaderFileResult> _headers = [];
    private readonly Dictionary<(HistoryFileKind Kind, uint Checkpoint), string> _files = [];
    private readonly Dictionary<(HistoryFileKind Kind, uint Checkpoint), HistoryFileResult> _counts = [];
    private readonly Dictionary<string, string> _liveBuckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hotBuckets = new(StringComparer.Ordinal);
    private readonly SortedDictionary<uint, HistoryArchiveState> _states = [];
    private HistoryArchiveState? _state;
    private CheckpointRange? _range;
    private uint? _trustedUpTo;
    private long? _startedAt;
    private string? _failure;

    /// <summary>Creates an empty state.</summary>
    public SharedHistoryState(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The current progress: stage, message and per-stage counters.</summary>
    public async Task<HistoryWorkProgress> GetProgressAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return SnapshotProgress();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Everything verified, once every registered stage has succeeded: the HAS, headers, transaction sets,
    /// results and SCP entries (read back from the verified files), and the verified bucket files as paths.
    /// </summary>
    /// <remarks>
    /// Decodes every transactions, results and SCP file of the range (several at once, up to one per
    /// processor); <see cref="GetSummaryAsync"/> gives the counts without reading any file.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Nothing was downloaded yet, a stage is still running, or a stage failed.</exception>
    public async Task<CheckpointData> BuildCheckpointDataAsync(CancellationToken cancellationToken = default)
    {
        HistoryArchiveState state;
        CheckpointRange range;
        List<LedgerHeaderHistoryEntry> headers;
        Dictionary<(HistoryFileKind, uint), string> files;
        Dictionary<string, string> live, hot;
        SortedDictionary<uint, HistoryArchiveState> states;
        uint? trustedUpTo;

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            (state, range) = EnsureFinished();
            headers = _headers.Values.SelectMany(h => h.Entries).ToList();
            files = new(_files);
            live = new(_liveBuckets, StringComparer.Ordinal);
            hot = new(_hotBuckets, StringComparer.Ordinal);
            states = new(_states);
            trustedUpTo = _trustedUpTo;
        }
        finally
        {
            _gate.Release();
        }

        var transactions = new RecordsOfKind<TransactionHistoryEntry>(files, HistoryFileKind.Transactions, range);
        var results = new RecordsOfKind<TransactionHistoryResultEntry>(files, HistoryFileKind.Results, range);
        var scp = new RecordsOfKind<SCPHistoryEntry>(files, HistoryFileKind.Scp, range);
        var reads = transactions.Reads.Concat(results.Reads).Concat(scp.Reads);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(reads, parallel, static (read, ct) => read(ct)).ConfigureAwait(false);

        var verifiedFiles = files
            .OrderBy(f => f.Key.Item2).ThenBy(f => f.Key.Item1)
            .Select(f => new VerifiedFile(f.Key.Item1, f.Key.Item2, f.Value))
            .ToList();
        return new CheckpointData(range, state, states, headers, transactions.InOrder(), results.InOrder(), scp.InOrder(), live, hot, verifiedFiles, trustedUpTo);
    }

    /// <summary>
    /// What <see cref="BuildCheckpointDataAsync"/> would hold, counted instead of decoded: no file is read,
    /// the counts are those the verifiers found. For a summary or a report.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing was downloaded yet, a stage is still running, or a stage failed.</exception>
    public async Task<HistoryWorkSummary> GetSummaryAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (_, range) = EnsureFinished();
            var files = _files.Keys.GroupBy(k => k.Kind).ToDictionary(g => g.Key, g => g.Count());
            int Entries(HistoryFileKind kind) => _counts.Where(c => c.Key.Kind == kind).Sum(c => c.Value.Entries);
            return new HistoryWorkSummary
            {
                Range = range,
                FirstLedger = _headers.Count > 0 ? _headers.First().Value.First.Header.LedgerSeq : range.FirstLedger,
                LastLedger = _headers.Count > 0 ? _headers.Last().Value.Last.Header.LedgerSeq : range.Last,
                Headers = _headers.Values.Sum(h => h.Entries.Count),
                FilesByKind = files,
                LedgersWithTransactions = Entries(HistoryFileKind.Transactions),
                Transactions = _counts.Where(c => c.Key.Kind == HistoryFileKind.Transactions).Sum(c => c.Value.Transactions),
                ResultSets = Entries(HistoryFileKind.Results),
                ScpEntries = Entries(HistoryFileKind.Scp),
                LiveBuckets = _liveBuckets.Count,
                HotArchiveBuckets = _hotBuckets.Count,
                TrustedUpTo = _trustedUpTo,
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    internal Task RegisterStagesAsync(CheckpointRange range, IEnumerable<HistoryWorkStage> stages, CancellationToken cancellationToken) =>
        UpdateAsync(() => AddStages(range, stages), cancellationToken);

    internal void RegisterStages(CheckpointRange range, IEnumerable<HistoryWorkStage> stages)
    {
        _gate.Wait();
        try
        {
            AddStages(range, stages);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal Task StartStageAsync(HistoryWorkStage stage, long total, CancellationToken cancellationToken) =>
        UpdateAsync(
            () =>
            {
                var counters = Counters(stage);
                counters.Status = StageStatus.Running;
                counters.Total = total;
                counters.Done = 0;
                _startedAt ??= _timeProvider.GetTimestamp();
            },
            cancellationToken);

    internal Task AdvanceStageAsync(HistoryWorkStage stage, long items, long bytes, CancellationToken cancellationToken) =>
        UpdateAsync(
            () =>
            {
                var counters = Counters(stage);
                counters.Done += items;
                counters.Bytes += bytes;
            },
            cancellationToken);

    internal Task CompleteStageAsync(HistoryWorkStage stage, CancellationToken cancellationToken) =>
        UpdateAsync(() => Counters(stage).Status = StageStatus.Succeeded, cancellationToken);

    internal Task FailStageAsync(HistoryWorkStage stage, string reason, CancellationToken cancellationToken) =>
        UpdateAsync(
            () =>
            {
                Counters(stage).Status = StageStatus.Failed;
                _failure ??= $"{StageNames.Describe(stage)}: {reason}";
            },
            cancellationToken);

    /// <summary>Records the verified HAS of <paramref name="checkpoint"/>; the newest one recorded is "the" state of the range.</summary>
    internal Task SetHistoryArchiveStateAsync(uint checkpoint, HistoryArchiveState state, CancellationToken cancellationToken) =>
        UpdateAsync(
            () =>
            {
                _states[checkpoint] = state;
                _state = _states.Last().Value;
            },
            cancellationToken);

    /// <summary>Every HAS fetched, by checkpoint, oldest first.</summary>
    internal async Task<IReadOnlyDictionary<uint, HistoryArchiveState>> GetHistoryArchiveStatesAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _states.Count > 0
                ? new SortedDictionary<uint, HistoryArchiveState>(_states)
                : throw new InvalidOperationException("The History Archive State has not been downloaded yet.");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What publishing needs: every verified file and state, as one consistent snapshot.</summary>
    internal async Task<PublishableHistory> GetPublishableAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var buckets = new SortedDictionary<string, string>(_liveBuckets, StringComparer.Ordinal);
            foreach (var (hash, path) in _hotBuckets)
            {
                buckets[hash] = path;
            }

            return new PublishableHistory(buckets, new Dictionary<(HistoryFileKind, uint), string>(_files), new SortedDictionary<uint, HistoryArchiveState>(_states));
        }
        finally
        {
            _gate.Release();
        }
    }

    internal Task SetHeadersAsync(uint checkpoint, LedgerHeaderFileResult headers, string path, CancellationToken cancellationToken) =>
        UpdateAsync(
            () =>
            {
                _headers[checkpoint] = headers;
                _files[(HistoryFileKind.Ledger, checkpoint)] = path;
            },
            cancellationToken);

    /// <summary>The highest ledger a trusted hash anchored, once the headers verified (null: none).</summary>
    internal async Task<uint?> GetTrustedUpToAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _trustedUpTo;
        }
        finally
        {
            _gate.Release();
        }
    }

    internal Task SetTrustedUpToAsync(uint? trustedUpTo, CancellationToken cancellationToken) =>
        UpdateAsync(() => _trustedUpTo = trustedUpTo, cancellationToken);

    internal async Task<LedgerHeaderFileResult> GetHeadersAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _headers.TryGetValue(checkpoint, out var headers)
                ? headers
                : throw new InvalidOperationException($"The ledger headers of checkpoint {checkpoint} have not been verified yet.");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The verified headers of a checkpoint, or null when that checkpoint was not downloaded.</summary>
    internal async Task<LedgerHeaderFileResult?> FindHeadersAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _headers.GetValueOrDefault(checkpoint);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Records a verified file; <paramref name="counted"/> carries its entry counts when its verifier gave them.</summary>
    internal Task RecordFileAsync(HistoryFileKind kind, uint checkpoint, string path, HistoryFileResult? counted, CancellationToken cancellationToken) =>
        UpdateAsync(
            () =>
            {
                _files[(kind, checkpoint)] = path;
                if (counted is not null)
                {
                    _counts[(kind, checkpoint)] = counted;
                }
            },
            cancellationToken);

    internal Task RecordBucketAsync(string hashHex, string path, bool hotArchive, CancellationToken cancellationToken) =>
        UpdateAsync(() => (hotArchive ? _hotBuckets : _liveBuckets)[hashHex] = path, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    // Called under the gate: the state and range of a download whose every stage succeeded.
    private (HistoryArchiveState State, CheckpointRange Range) EnsureFinished()
    {
        if (_stages.Count == 0 || _state is null || _range is null)
        {
            throw new InvalidOperationException("Nothing was downloaded yet: register the history work and run the scheduler first.");
        }

        if (_failure is not null)
        {
            throw new InvalidOperationException("The history download failed: " + _failure);
        }

        var unfinished = _stages.Where(s => s.Value.Status != StageStatus.Succeeded).Select(s => StageNames.Describe(s.Key)).ToList();
        if (unfinished.Count > 0)
        {
            throw new InvalidOperationException("The history download has not finished: " + string.Join(", ", unfinished) + " still pending.");
        }

        return (_state, _range.Value);
    }

    private HistoryWorkProgress SnapshotProgress()
    {
        var stages = _stages
            .OrderBy(s => s.Key)
            .Select(s => new StageProgress(s.Key, s.Value.Done, s.Value.Total, s.Value.Bytes, s.Value.Status))
            .ToList();
        var elapsed = _startedAt is { } start ? _timeProvider.GetElapsedTime(start) : TimeSpan.Zero;
        HistoryWorkStage stage;
        if (_failure is not null)
        {
            stage = HistoryWorkStage.Failed;
        }
        else if (stages.Count == 0 || stages.All(s => s.Status == StageStatus.Pending))
        {
            stage = HistoryWorkStage.NotStarted;
        }
        else if (stages.All(s => s.Status == StageStatus.Succeeded))
        {
            stage = HistoryWorkStage.Completed;
        }
        else
        {
            stage = stages.First(s => s.Status != StageStatus.Succeeded).Stage;
        }

        return new HistoryWorkProgress(stage, stages, elapsed, _failure);
    }

    private void AddStages(CheckpointRange range, IEnumerable<HistoryWorkStage> stages)
    {
        _range = range;
        foreach (var stage in stages)
        {
            _stages.TryAdd(stage, new StageCounters());
        }
    }

    private StageCounters Counters(HistoryWorkStage stage)
    {
        if (!_stages.TryGetValue(stage, out var counters))
        {
            counters = new StageCounters();
            _stages[stage] = counters;
        }

        return counters;
    }

    private async Task UpdateAsync(Action update, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            update();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The verified files of one kind, in checkpoint order, each decoded into its own slot so they can be read in any order.</summary>
    private sealed class RecordsOfKind<T>
        where T : IXdrType<T>
    {
        private readonly List<T>[] _slots;

        public RecordsOfKind(Dictionary<(HistoryFileKind, uint), string> files, HistoryFileKind kind, CheckpointRange range)
        {
            var paths = new List<string>();
            foreach (var checkpoint in range)
            {
                if (files.TryGetValue((kind, checkpoint), out var path))
                {
                    paths.Add(path);
                }
            }

            _slots = new List<T>[paths.Count];
            Reads = paths.Select((path, slot) => (Func<CancellationToken, ValueTask>)(ct => ReadAsync(path, slot, ct))).ToList();
        }

        public IReadOnlyList<Func<CancellationToken, ValueTask>> Reads { get; }

        public List<T> InOrder()
        {
            var all = new List<T>(_slots.Sum(s => s.Count));
            foreach (var slot in _slots)
            {
                all.AddRange(slot);
            }

            return all;
        }

        private async ValueTask ReadAsync(string path, int slot, CancellationToken cancellationToken)
        {
            var entries = new List<T>();
            await foreach (var entry in HistoryFileReader.ReadRecordsAsync<T>(path, cancellationToken).ConfigureAwait(false))
            {
                entries.Add(entry);
            }

            _slots[slot] = entries;
        }
    }

    private sealed class StageCounters
    {
        public StageStatus Status { get; set; }

        public long Done { get; set; }

        public long Total { get; set; }

        public long Bytes { get; set; }
    }
}
