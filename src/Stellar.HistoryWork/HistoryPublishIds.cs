using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork;

/// <summary>The scheduler ids of the publish work items <c>HistoryWorkBuilder.RegisterPublish</c> added for one target.</summary>
/// <param name="Buckets">Buckets the target lacks.</param>
/// <param name="LedgerHeaders">Ledger files (after the buckets).</param>
/// <param name="Transactions">Transactions files (after the buckets).</param>
/// <param name="Results">Results files (after the buckets).</param>
/// <param name="ScpHistory">SCP files (after the buckets).</param>
/// <param name="HistoryArchiveState">Checkpoint HAS files then <c>.well-known</c> (after all of the above).</param>
public sealed record HistoryPublishIds(
    WorkId Buckets,
    WorkId LedgerHeaders,
    WorkId Transactions,
    WorkId Results,
    WorkId ScpHistory,
    WorkId HistoryArchiveState)
{
    /// <summary>All six, in publish order.</summary>
    public IReadOnlyList<WorkId> All => [Buckets, LedgerHeaders, Transactions, Results, ScpHistory, HistoryArchiveState];
}
