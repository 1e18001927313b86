using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork;

/// <summary>The scheduler ids of the download work items one <see cref="HistoryWorkBuilder"/> registered.</summary>
/// <param name="HistoryArchiveState">The HAS of the last checkpoint.</param>
/// <param name="Buckets">The buckets that HAS references.</param>
/// <param name="LedgerHeaders">The ledger headers of every checkpoint (and the HAS binding).</param>
/// <param name="Transactions">The transaction sets.</param>
/// <param name="Results">The transaction results.</param>
/// <param name="ScpHistory">The SCP history.</param>
public sealed record HistoryWorkIds(
    WorkId HistoryArchiveState,
    WorkId Buckets,
    WorkId LedgerHeaders,
    WorkId Transactions,
    WorkId Results,
    WorkId ScpHistory)
{
    /// <summary>All six, in data-flow order.</summary>
    public IReadOnlyList<WorkId> All => [HistoryArchiveState, LedgerHeaders, Buckets, Transactions, Results, ScpHistory];
}
