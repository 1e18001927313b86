using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork;

/// <summary>
/// What the download work items have verified so far, shared between them and readable at any time.
/// Every access goes through one <see cref="SemaphoreSlim"/>, so readers always see a consistent snapshot
/// while stages run in parallel. Large data (buckets, checkpoint files) stays on disk: the state holds
/// paths, the HAS and the verified ledger headers, which the later stages verify against.
/// </summary>
/// <remarks>
/// A façade over three internal parts: progress tracking (<see cref="HistoryProgressTracker"/>), the data the
/// works share (<see cref="VerifiedHistory"/>) and building <see cref="CheckpointData"/>
/// (<see cref="CheckpointDataBuilder"/>, which reads the files outside the gate).
/// </remarks>
public sealed class SharedHistoryState : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HistoryProgressTracker _progress;
    private readonly VerifiedHistory _history = new();
    private readonly IProgress<HistoryWorkProgress>? _reporter;
    private readonly Lock _reportOrder = new();
    private long _changes;
    private long _reported;
    private readonly Lock _storeGate = new();
    private VerifiedFileStore? _store;

    /// <summary>Creates an empty state.</summary>
    /// <param name="timeProvider">Time, for the progress's elapsed time and rate; default: the system clock.</param>
    /// <param name="progress">Receives the progress (as <see cref="GetProgressAsync"/> reads it) after every change: a stage started, a file done, a stage ended; null for none.</param>
    public SharedHistoryState(TimeProvider? timeProvider = null, IProgress<HistoryWorkProgress>? progress = null)
    {
        _progress = new HistoryProgressTracker(timeProvider ?? TimeProvider.System);
        _reporter = progress;
    }

    /// <summary>The current progress: stage, message and per-stage counters (also raised through the constructor's <c>progress</c>).</summary>
    public Task<HistoryWorkProgress> GetProgressAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(_progress.Snapshot, cancellationToken);

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
        var builder = await ReadAsync(
            () =>
            {
                var (state, range) = EnsureFinished();
                return _history.Snapshot(state, range);
            },
            cancellationToken).ConfigureAwait(false);
        return await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One checkpoint of the finished range (its headers, transactions, results and SCP entries decoded; the range's
    /// buckets as paths), so that a caller can take the range checkpoint by checkpoint without decoding it whole.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing was downloaded yet, a stage is still running, or a stage failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="checkpoint"/> is not a checkpoint of the range.</exception>
    public async Task<CheckpointData> BuildCheckpointDataAsync(uint checkpoint, CancellationToken cancellationToken = default)
    {
        var builder = await ReadAsync(
            () =>
            {
                var (state, range) = EnsureFinished();
                if (!range.Contains(checkpoint))
                {
                    throw new ArgumentOutOfRangeException(nameof(checkpoint), checkpoint, $"not a checkpoint of {range}");
                }

                return _history.SnapshotOf(state, range, checkpoint);
            },
            cancellationToken).ConfigureAwait(false);
        return await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One checkpoint handed over while later ones still download (<see cref="HistoryCatchup.CatchupByCheckpointAsync"/>):
    /// as <see cref="BuildCheckpointDataAsync(uint, CancellationToken)"/>, without waiting for the other checkpoints' files.
    /// The caller vouches that the headers and buckets finished and that this checkpoint's files verified.
    /// </summary>
    internal async Task<CheckpointData> BuildStreamedCheckpointDataAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        var builder = await ReadAsync(
            () => _history.State is { } state && _history.Range is { } range
                ? _history.SnapshotOf(state, range, checkpoint)
                : throw new InvalidOperationException("The History Archive State has not been downloaded yet."),
            cancellationToken).ConfigureAwait(false);
        return await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What <see cref="BuildCheckpointDataAsync(CancellationToken)"/> would hold, counted instead of decoded: no file is read,
    /// the counts are those the verifiers found. For a summary or a report.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing was downloaded yet, a stage is still running, or a stage failed.</exception>
    public Task<HistoryWorkSummary> GetSummaryAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(() => _history.Summary(EnsureFinished().Range), cancellationToken);

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
        ProgressAsync(() => _progress.Start(stage, total), cancellationToken);

    internal Task AdvanceStageAsync(HistoryWorkStage stage, long items, long bytes, CancellationToken cancellationToken) =>
        ProgressAsync(() => _progress.Advance(stage, items, bytes), cancellationToken);

    internal Task CompleteStageAsync(HistoryWorkStage stage, CancellationToken cancellationToken) =>
        ProgressAsync(() => _progress.Complete(stage), cancellationToken);

    internal Task FailStageAsync(HistoryWorkStage stage, string reason, CancellationToken cancellationToken) =>
        ProgressAsync(() => _progress.Fail(stage, reason), cancellationToken);

    /// <summary>Records the verified HAS of <paramref name="checkpoint"/>; the newest one recorded is "the" state of the range.</summary>
    internal Task SetHistoryArchiveStateAsync(uint checkpoint, HistoryArchiveState state, CancellationToken cancellationToken) =>
        UpdateAsync(() => _history.SetState(checkpoint, state), cancellationToken);

    /// <summary>Every HAS fetched, by checkpoint, oldest first.</summary>
    internal Task<IReadOnlyDictionary<uint, HistoryArchiveState>> GetHistoryArchiveStatesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<uint, HistoryArchiveState>>(
            () => _history.HasStates
                ? _history.States()
                : throw new InvalidOperationException("The History Archive State has not been downloaded yet."),
            cancellationToken);

    /// <summary>Every HAS fetched so far, by checkpoint, oldest first; empty when none was.</summary>
    internal Task<IReadOnlyDictionary<uint, HistoryArchiveState>> FindHistoryArchiveStatesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<uint, HistoryArchiveState>>(() => _history.States(), cancellationToken);

    /// <summary>What publishing needs: every verified file and state, as one consistent snapshot.</summary>
    internal Task<PublishableHistory> GetPublishableAsync(CancellationToken cancellationToken) =>
        ReadAsync(_history.Publishable, cancellationToken);

    internal Task SetHeadersAsync(uint checkpoint, LedgerHeaderFileResult headers, string path, CancellationToken cancellationToken) =>
        UpdateAsync(() => _history.SetHeaders(checkpoint, headers, path), cancellationToken);

    /// <summary>The highest ledger a trusted hash anchored, once the headers verified (null: none).</summary>
    internal Task<uint?> GetTrustedUpToAsync(CancellationToken cancellationToken) =>
        ReadAsync(() => _history.TrustedUpTo, cancellationToken);

    internal Task SetTrustedUpToAsync(uint? trustedUpTo, CancellationToken cancellationToken) =>
        UpdateAsync(() => _history.TrustedUpTo = trustedUpTo, cancellationToken);

    internal Task<LedgerHeaderFileResult> GetHeadersAsync(uint checkpoint, CancellationToken cancellationToken) =>
        ReadAsync(
            () => _history.FindHeaders(checkpoint)
                ?? throw new InvalidOperationException($"The ledger headers of checkpoint {checkpoint} have not been verified yet."),
            cancellationToken);

    /// <summary>The verified headers of a checkpoint, or null when that checkpoint was not downloaded.</summary>
    internal Task<LedgerHeaderFileResult?> FindHeadersAsync(uint checkpoint, CancellationToken cancellationToken) =>
        ReadAsync(() => _history.FindHeaders(checkpoint), cancellationToken);

    /// <summary>Records a verified file; <paramref name="counted"/> carries its entry counts when its verifier gave them.</summary>
    internal Task RecordFileAsync(HistoryFileKind kind, uint checkpoint, string path, HistoryFileResult? counted, CancellationToken cancellationToken) =>
        UpdateAsync(() => _history.RecordFile(kind, checkpoint, path, counted), cancellationToken);

    internal Task RecordBucketAsync(string hashHex, string path, bool hotArchive, CancellationToken cancellationToken) =>
        UpdateAsync(() => _history.RecordBucket(hashHex, path, hotArchive), cancellationToken);

    /// <summary>
    /// The one store of the works built by hand on this state (<see cref="HistoryWorkContext.ByHand"/>), created by
    /// the first of them.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="root"/> is not the directory of that store.</exception>
    internal VerifiedFileStore SharedStore(string root, System.Diagnostics.Metrics.IMeterFactory? meterFactory)
    {
        lock (_storeGate)
        {
            _store ??= new VerifiedFileStore(root, meterFactory);
            return string.Equals(_store.Root, Path.GetFullPath(root), StringComparison.Ordinal)
                ? _store
                : throw new ArgumentException($"The works on one state share one work directory: {_store.Root}, not {root}.", nameof(root));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    // Called under the gate: the state and range of a download whose every stage succeeded.
    private (HistoryArchiveState State, CheckpointRange Range) EnsureFinished()
    {
        if (!_progress.HasStages || _history.State is null || _history.Range is null)
        {
            throw new InvalidOperationException("Nothing was downloaded yet: register the history work and run the scheduler first.");
        }

        if (_progress.Failure is { } failure)
        {
            throw new InvalidOperationException("The history download failed: " + failure);
        }

        var unfinished = _progress.Unfinished();
        if (unfinished.Count > 0)
        {
            throw new InvalidOperationException("The history download has not finished: " + string.Join(", ", unfinished) + " still pending.");
        }

        return (_history.State, _history.Range.Value);
    }

    private void AddStages(CheckpointRange range, IEnumerable<HistoryWorkStage> stages)
    {
        _history.Range = range;
        _progress.Register(stages);
    }

    /// <summary>The one read helper: runs <paramref name="read"/> under the gate.</summary>
    private async Task<T> ReadAsync<T>(Func<T> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return read();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies a progress change under the gate and raises the snapshot taken with it outside the gate (a handler may
    /// read the state), in the order of the changes: a snapshot older than one already raised is dropped.
    /// </summary>
    private async Task ProgressAsync(Action update, CancellationToken cancellationToken)
    {
        var (snapshot, sequence) = await ReadAsync(
            () =>
            {
                update();
                return _reporter is null ? ((HistoryWorkProgress?)null, 0L) : (_progress.Snapshot(), ++_changes);
            },
            cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return;
        }

        lock (_reportOrder)
        {
            if (sequence > _reported)
            {
                _reported = sequence;
                _reporter!.Report(snapshot);
            }
        }
    }

    private Task<bool> UpdateAsync(Action update, CancellationToken cancellationToken) =>
        ReadAsync(
            () =>
            {
                update();
                return true;
            },
            cancellationToken);
}
