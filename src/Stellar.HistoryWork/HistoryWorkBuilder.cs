using Stellar.HistoryWork.Download;
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
    /// Downloads a range of checkpoints: the HAS and buckets of the last one, and the ledger, transactions,
    /// results and SCP files of all of them, with the header chain verified across the whole range.
    /// </summary>
    public HistoryWorkBuilder(IArchiveReader archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(state);
        options ??= new HistoryWorkOptions();
        options.Validate();
        if (!range.Math.Equals(options.Checkpoints))
        {
            throw new ArgumentException($"The range uses {range.Math} but the options use {options.Checkpoints}.", nameof(range));
        }

        _context = new HistoryWorkContext(archive, range, state, options);
    }

    /// <summary>The checkpoints this builder downloads.</summary>
    public CheckpointRange Range => _context.Range;

    /// <summary>Where verified files are stored, in archive layout.</summary>
    public string WorkDirectory => _context.Store.Root;

    /// <summary>Adds the six download work items to <paramref name="scheduler"/> and returns their ids.</summary>
    public HistoryWorkIds Register(WorkScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        HistoryWorkStage[] stages = [HistoryWorkStage.HistoryArchiveState, HistoryWorkStage.LedgerHeaders, HistoryWorkStage.Buckets, HistoryWorkStage.Transactions, HistoryWorkStage.Results, HistoryWorkStage.ScpHistory];
        _context.State.RegisterStages(_context.Range, stages);

        var retries = _context.Options.DownloadRetries;
        // One work per stage; the catchup ends when the last of them does.
        var catchup = new CatchupTimer(_context.Telemetry, _context.Options.TimeProvider, works: stages.Length);
        var has = scheduler.Add(new GetHistoryArchiveStateWork(_context, _context.Range.Last) { Catchup = catchup }, maxRetries: retries);
        var headers = scheduler.Add(new DownloadLedgerHeadersWork(_context, bindHistoryArchiveState: true) { Catchup = catchup }, [has], retries);
        var buckets = scheduler.Add(new DownloadBucketsWork(_context) { Catchup = catchup }, [has], retries);
        var transactions = scheduler.Add(new DownloadTransactionsWork(_context) { Catchup = catchup }, [headers], retries);
        var results = scheduler.Add(new DownloadTxResultsWork(_context) { Catchup = catchup }, [headers, transactions], retries);
        var scp = scheduler.Add(new DownloadScpHistoryWork(_context) { Catchup = catchup }, [headers], retries);
        return new HistoryWorkIds(has, buckets, headers, transactions, results, scp);
    }

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
