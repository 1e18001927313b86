using Stellar.Xdr;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// One ledger as a node closed it, in the shapes the history files hold: what a <see cref="CheckpointAppender"/>
/// is fed, ledger by ledger, in ledger order.
/// </summary>
/// <param name="Header">The closed ledger's header entry (its <c>hash</c> is SHA-256 of the header's XDR).</param>
/// <param name="Transactions">
/// The ledger's transaction set, or null for a ledger without transactions (the reference node writes no entry
/// then, and the file's reader takes the empty set).
/// </param>
/// <param name="Results">The ledger's result set, or null for a ledger without transactions.</param>
/// <param name="ScpMessages">The SCP messages that closed the ledger, in the order they are to be published; none is allowed.</param>
public sealed record ClosedLedger(
    LedgerHeaderHistoryEntry Header,
    TransactionHistoryEntry? Transactions = null,
    TransactionHistoryResultEntry? Results = null,
    IReadOnlyList<SCPHistoryEntry>? ScpMessages = null)
{
    /// <summary>The ledger's sequence number (from its header).</summary>
    public uint LedgerSeq => Header.Header.LedgerSeq;
}
