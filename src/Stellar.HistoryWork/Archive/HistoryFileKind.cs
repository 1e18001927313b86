namespace Stellar.HistoryWork;

/// <summary>The four per-checkpoint XDR files of a history archive.</summary>
public enum HistoryFileKind
{
    /// <summary><c>ledger/…/ledger-wwxxyyzz.xdr.gz</c>: <c>LedgerHeaderHistoryEntry</c> records.</summary>
    Ledger,

    /// <summary><c>transactions/…/transactions-wwxxyyzz.xdr.gz</c>: <c>TransactionHistoryEntry</c> records.</summary>
    Transactions,

    /// <summary><c>results/…/results-wwxxyyzz.xdr.gz</c>: <c>TransactionHistoryResultEntry</c> records.</summary>
    Results,

    /// <summary><c>scp/…/scp-wwxxyyzz.xdr.gz</c>: <c>SCPHistoryEntry</c> records.</summary>
    Scp,
}
