using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork;

/// <summary>
/// Registers the work that downloads and verifies a checkpoint (or a range of checkpoints) with a
/// <see cref="WorkScheduler"/>, in the reference node's order: HAS → (buckets ∥ headers); headers →
/// (transactions ∥ SCP); headers and transactions → results. What verified lands in the
/// <see cref="SharedHistoryState"/> and in the work directory.
/// </summary>
public sealed class HistoryWorkBuilder
{
    private readonly HistoryWorkContext _context;

    /// <summary>Downloads one checkpoint: its HAS and buckets, and its ledger, transactions, results and SCP files.</summary>
    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="checkpoint">A checkpoint ledger (63, 127, … at frequency 64).</param>
    /// <param name="state">Where verified data is shared.</param>
    /// <param name="options">Settings; defaults when null.</param>
    public HistoryWorkBuilder(IArchiveReader archive, uint checkpoint, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(archive, SingleCheckpoint(checkpoint, options), state, options)
    {
    }

    /// <summary>
    /// Downloads a range of checkpoints: the HAS and buckets of the last one (of every one with
    /// <see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/>), and the ledger, transactions,
    /// results and SCP files of all of them, with the header chain verified across the whole range.
    /// </summary>
    /// <exception cref="ArgumentException">The options' trusted hash names a ledger outside the range (<see cref="LedgerRange.TrustedHashOutsideMessage"/>).</exception>
    public HistoryWorkBuilder(IArchiveReader archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(archive, range, LedgerRange.Of(range), state, options)
    {
    }

    /// <summary>
    /// Downloads what the reference node's minimal catchup needs (<see cref="CatchupRange"/>): the HAS and buckets of
    /// <see cref="CatchupRange.ApplyBucketsAt"/> (of the last checkpoint when replaying from genesis), and the ledger,
    /// transactions, results and SCP files of <see cref="CatchupRange.Checkpoints"/>, chained across them.
    /// </summary>
    /// <exception cref="ArgumentException">The options' trusted hash names a ledger outside <see cref="CatchupRange.Ledgers"/>.</exception>
    public HistoryWorkBuilder(IArchiveReader archive, CatchupRange catchup, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(archive, (catchup ?? throw new ArgumentNullException(nameof(catchup))).Checkpoints, catchup.Ledgers, state, options)
    {
        _context.HistoryArchiveStateCheckpoint = catchup.HistoryArchiveStateCheckpoint;
    }

    private HistoryWorkBuilder(IArchiveReader archive, CheckpointRange range, LedgerRange ledgers, SharedHistoryState state, HistoryWorkOptions? options)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(state);
        options ??= new HistoryWorkOptions();
        options.Validate();
        if (!range.Math.Equals(options.Checkpoints))
        {
            throw new ArgumentException($"The range uses {range.Math} but the options use {options.Checkpoints}.", nameof(range));
        }

        ledgers.RequireTrustedHashInside(options.TrustedHash);

        _context = new HistoryWorkContext(archive, range, state, options);
    }

    /// <summary>The checkpoints this builder downloads.</summary>
    public CheckpointRange Range => _context.Range;

    /// <summary>Where verified files are stored, in archive layout.</summary>
    public string WorkDirectory => _context.Store.Root;

    /// <summary>Adds the six download work items to <paramref name="scheduler"/> and returns their ids.</summary>
    public HistoryWorkIds Register(WorkScheduler scheduler)
    {
        var (catchup, has, headers, buckets) = RegisterChain(scheduler, works: 6);
        var retries = _context.Options.DownloadRetries;
        var transactions = scheduler.Add(new DownloadTransactionsWork(_context) { Catchup = catchup }, [headers], retries);
        var results = scheduler.Add(new DownloadTxResultsWork(_context) { Catchup = catchup }, [headers, transactions], retries);
        var scp = scheduler.Add(new DownloadScpHistoryWork(_context) { Catchup = catchup }, [headers], retries);
        return new HistoryWorkIds(has, buckets, headers, transactions, results, scp);
    }

    /// <summary>
    /// Registers the download for delivery checkpoint by checkpoint: the HAS, headers and buckets as
    /// <see cref="Register"/> does, then one work (its id stands for the transactions, results and SCP) that fetches
    /// each checkpoint's transactions, results and SCP files in ledger order within <paramref name="lookAhead"/>.
    /// That work starts once the header chain of the whole range verified and the buckets are in: trust flows down
    /// from the newest header, and a node applies the buckets before it replays anything.
    /// </summary>
    internal HistoryWorkIds RegisterStreaming(WorkScheduler scheduler, CheckpointLookAhead lookAhead)
    {
        var (catchup, has, headers, buckets) = RegisterChain(scheduler, works: 4);
        var files = scheduler.Add(new StreamCheckpointFilesWork(_context, lookAhead) { Catchup = catchup }, [headers, buckets], _context.Options.DownloadRetries);
        return new HistoryWorkIds(has, buckets, headers, files, files, files);
    }

    /// <summary>Registers every stage and adds the HAS, ledger headers and buckets works; <paramref name="works"/> counts the catchup's works.</summary>
    private (CatchupTimer Catchup, WorkId HistoryArchiveState, WorkId LedgerHeaders, WorkId Buckets) RegisterChain(WorkScheduler scheduler, int works)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        HistoryWorkStage[] stages = [HistoryWorkStage.HistoryArchiveState, HistoryWorkStage.LedgerHeaders, HistoryWorkStage.Buckets, HistoryWorkStage.Transactions, HistoryWorkStage.Results, HistoryWorkStage.ScpHistory];
        _context.State.RegisterStages(_context.Range, stages);

        var retries = _context.Options.DownloadRetries;
        // The catchup ends when the last of its works does.
        var catchup = new CatchupTimer(_context.Telemetry, _context.Options.TimeProvider, works);
        // Fetches the last checkpoint's HAS (a catchup's applied one), or every one when the options or a publish registered later ask for it.
        var has = scheduler.Add(new GetHistoryArchiveStateWork(_context, _context.Range) { Catchup = catchup }, maxRetries: retries);
        var headers = scheduler.Add(new DownloadLedgerHeadersWork(_context, bindHistoryArchiveState: true) { Catchup = catchup }, [has], retries);
        var buckets = scheduler.Add(new DownloadBucketsWork(_context) { Catchup = catchup }, [has], retries);
        return (catchup, has, headers, buckets);
    }

    /// <summary>
    /// Adds the six publish work items for one target archive, each depending on the download work whose data
    /// it publishes: buckets the target lacks → (ledger ∥ transactions ∥ results ∥ SCP files) → checkpoint HAS
    /// files → <c>.well-known</c> (never moved back to an older checkpoint). Files are published exactly as the
    /// source published them; files the target already holds intact are skipped, damaged ones replaced.
    /// Each item gets <see cref="HistoryWorkOptions.PublishRetries"/> retries. A published range is a complete
    /// archive: registering a publish makes the download fetch every checkpoint's HAS and the buckets they name,
    /// whatever <see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/> says.
    /// </summary>
    /// <param name="scheduler">The scheduler the download work was registered with.</param>
    /// <param name="writer">The target archive.</param>
    /// <param name="downloadIds">What <see cref="Register"/> returned for this builder.</param>
    /// <exception cref="InvalidOperationException">The download work has already started without fetching every HAS.</exception>
    public HistoryPublishIds RegisterPublish(WorkScheduler scheduler, IArchiveWriter writer, HistoryWorkIds downloadIds)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return RegisterPublish(scheduler, new ArchivePublisher(writer, _context.Options), downloadIds, publishWellKnown: true);
    }

    /// <summary>
    /// Adds one <see cref="PublishWork"/> that publishes the whole range to every target in parallel, each
    /// target in publish order; it runs once every download work succeeded. Like <see cref="RegisterPublish(WorkScheduler, IArchiveWriter, HistoryWorkIds)"/>, it
    /// makes the download fetch every checkpoint's HAS.
    /// </summary>
    /// <exception cref="InvalidOperationException">The download work has already started.</exception>
    public WorkId RegisterPublishWork(WorkScheduler scheduler, IEnumerable<IArchiveWriter> writers, HistoryWorkIds downloadIds)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(writers);
        ArgumentNullException.ThrowIfNull(downloadIds);
        var targets = PublishWork.Targets(writers, _context.Options);
        RequireEveryHistoryArchiveState(scheduler, downloadIds);
        return scheduler.Add(new PublishWork(_context, targets), downloadIds.All, _context.Options.PublishRetries);
    }

    internal HistoryPublishIds RegisterPublish(WorkScheduler scheduler, ArchivePublisher target, HistoryWorkIds downloadIds, bool publishWellKnown)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(downloadIds);
        RequireEveryHistoryArchiveState(scheduler, downloadIds);
        var retries = _context.Options.PublishRetries;
        // Buckets wait for the headers too: only then is every HAS naming them bound to the verified chain.
        var buckets = scheduler.Add(new PublishBucketsWork(_context, target), [downloadIds.Buckets, downloadIds.LedgerHeaders], retries);
        var ledger = scheduler.Add(new PublishLedgerHeadersWork(_context, target), [downloadIds.LedgerHeaders, buckets], retries);
        var transactions = scheduler.Add(new PublishTransactionsWork(_context, target), [downloadIds.Transactions, buckets], retries);
        var results = scheduler.Add(new PublishResultsWork(_context, target), [downloadIds.Results, buckets], retries);
        var scp = scheduler.Add(new PublishScpHistoryWork(_context, target), [downloadIds.ScpHistory, buckets], retries);
        var states = scheduler.Add(
            new PublishHistoryArchiveStateWork(_context, target, publishWellKnown),
            [downloadIds.HistoryArchiveState, ledger, transactions, results, scp],
            retries);
        return new HistoryPublishIds(buckets, ledger, transactions, results, scp, states);
    }

    /// <summary>
    /// Registers one stage of a sharded mirror (<see cref="ArchiveMirrorStage"/>) for this builder's range, download and
    /// publish together. Buckets: every HAS, then the buckets they name that <paramref name="ownsBucket"/> keeps, then
    /// their publish (a bucket's name is its hash, so it needs no header). Checkpoints: every HAS, the headers that bind
    /// them, transactions, results and SCP, their publish, then the HAS files, each only once the buckets it names are
    /// at the target. Neither touches <c>.well-known</c>.
    /// </summary>
    internal void RegisterMirrorStage(WorkScheduler scheduler, ArchivePublisher target, ArchiveMirrorStage stage, Func<string, bool>? ownsBucket)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(target);
        _context.RequireEveryHistoryArchiveState();
        var retries = _context.Options.DownloadRetries;
        var publishRetries = _context.Options.PublishRetries;
        if (stage == ArchiveMirrorStage.Buckets)
        {
            _context.FetchesBucket = ownsBucket;
            HistoryWorkStage[] bucketStages = [HistoryWorkStage.HistoryArchiveState, HistoryWorkStage.Buckets];
            _context.State.RegisterStages(_context.Range, bucketStages);
            var catchup = new CatchupTimer(_context.Telemetry, _context.Options.TimeProvider, works: bucketStages.Length);
            var states = scheduler.Add(new GetHistoryArchiveStateWork(_context, _context.Range) { Catchup = catchup }, maxRetries: retries);
            var buckets = scheduler.Add(new DownloadBucketsWork(_context) { Catchup = catchup }, [states], retries);
            scheduler.Add(new PublishBucketsWork(_context, target), [buckets], publishRetries);
            return;
        }

        if (stage != ArchiveMirrorStage.Checkpoints)
        {
            throw new ArgumentOutOfRangeException(nameof(stage), stage, "Only the buckets and checkpoints stages register here.");
        }

        HistoryWorkStage[] stages = [HistoryWorkStage.HistoryArchiveState, HistoryWorkStage.LedgerHeaders, HistoryWorkStage.Transactions, HistoryWorkStage.Results, HistoryWorkStage.ScpHistory];
        _context.State.RegisterStages(_context.Range, stages);
        var timer = new CatchupTimer(_context.Telemetry, _context.Options.TimeProvider, works: stages.Length);
        var has = scheduler.Add(new GetHistoryArchiveStateWork(_context, _context.Range) { Catchup = timer }, maxRetries: retries);
        var headers = scheduler.Add(new DownloadLedgerHeadersWork(_context, bindHistoryArchiveState: true) { Catchup = timer }, [has], retries);
        var transactions = scheduler.Add(new DownloadTransactionsWork(_context) { Catchup = timer }, [headers], retries);
        var results = scheduler.Add(new DownloadTxResultsWork(_context) { Catchup = timer }, [headers, transactions], retries);
        var scp = scheduler.Add(new DownloadScpHistoryWork(_context) { Catchup = timer }, [headers], retries);
        var ledgerPublish = scheduler.Add(new PublishLedgerHeadersWork(_context, target), [headers], publishRetries);
        var transactionsPublish = scheduler.Add(new PublishTransactionsWork(_context, target), [transactions], publishRetries);
        var resultsPublish = scheduler.Add(new PublishResultsWork(_context, target), [results], publishRetries);
        var scpPublish = scheduler.Add(new PublishScpHistoryWork(_context, target), [scp], publishRetries);
        scheduler.Add(
            new PublishHistoryArchiveStateWork(_context, target, publishWellKnown: false) { RequireBucketsAtTarget = true },
            [has, ledgerPublish, transactionsPublish, resultsPublish, scpPublish],
            publishRetries);
    }

    private void RequireEveryHistoryArchiveState(WorkScheduler scheduler, HistoryWorkIds downloadIds)
    {
        if (!_context.FetchEveryHistoryArchiveState && scheduler.GetState(downloadIds.HistoryArchiveState) != WorkState.Pending)
        {
            throw new InvalidOperationException("Register the publish before the scheduler runs: a published range needs every checkpoint's HAS, which the download has not fetched.");
        }

        _context.RequireEveryHistoryArchiveState();
    }

    /// <summary>The verified files of this builder, for the mirror's final <c>.well-known</c>.</summary>
    internal VerifiedFileStore Store => _context.Store;

    /// <summary>The shared state this builder fills.</summary>
    internal SharedHistoryState State => _context.State;

    private static CheckpointRange SingleCheckpoint(uint checkpoint, HistoryWorkOptions? options)
    {
        var math = options?.Checkpoints ?? CheckpointMath.Default;
        if (!math.IsCheckpoint(checkpoint))
        {
            throw new ArgumentException($"Ledger {checkpoint} is not a checkpoint ({math}); the checkpoint containing it is {math.CheckpointContaining(checkpoint)}.", nameof(checkpoint));
        }

        return new CheckpointRange(checkpoint, checkpoint, math);
    }
}
