using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// The largest record of each history file kind, derived from the protocol's own limits (issue 10 row 12), so a
/// hostile record cannot claim more than a real one ever could. <see cref="HistoryVerificationOptions.MaxRecordLength"/>
/// can only lower them.
/// <list type="bullet">
/// <item>A transaction set, a quorum set and an SCP envelope each travel between nodes as one overlay message, and
/// stellar-core drops any message over <c>MAX_MESSAGE_SIZE</c> = 0x1000000 bytes (16 MiB, overlay/TCPPeer.h); a tx
/// set's transactions are further limited to <c>MAX_TX_SET_ALLOWANCE</c> = 10 MiB. Hence 16 MiB for a
/// <c>TransactionHistoryEntry</c> and an <c>SCPHistoryEntry</c>.</item>
/// <item>A result set has no byte limit of its own, but every result answers one transaction of a set that had to
/// fit in 16 MiB; the results the protocol makes largest are offer crossings, bounded by <c>MAX_OFFERS_TO_CROSS</c>
/// = 1000 per operation. 16 MiB is over a hundred times the largest result entry of the real fixtures.</item>
/// <item>Every ledger entry in a bucket was written by one transaction (or an upgrade set carried by one), so no
/// bucket entry exceeds the 16 MiB message either.</item>
/// <item>A <c>LedgerHeaderHistoryEntry</c> is fixed-shape: a header with at most 6 upgrades of at most 128 bytes
/// (<c>UpgradeType&lt;128&gt;</c>, <c>upgrades&lt;6&gt;</c>) is under 2 KiB; 64 KiB leaves ample room.</item>
/// </list>
/// </summary>
internal static class HistoryRecordLimits
{
    /// <summary>stellar-core's overlay <c>MAX_MESSAGE_SIZE</c>.</summary>
    public const int OverlayMessageSize = 16 * 1024 * 1024;

    /// <summary>The largest <c>LedgerHeaderHistoryEntry</c>.</summary>
    public const int LedgerHeaderEntry = 64 * 1024;

    /// <summary>The largest record of a file holding <typeparamref name="T"/>, at most <paramref name="options"/>' cap.</summary>
    public static int For<T>(HistoryVerificationOptions options)
        where T : IXdrType<T> =>
        Math.Min(options.MaxRecordLength, typeof(T) == typeof(LedgerHeaderHistoryEntry) ? LedgerHeaderEntry : OverlayMessageSize);

    /// <summary>The largest bucket entry, at most <paramref name="options"/>' cap.</summary>
    public static int BucketEntry(HistoryVerificationOptions options) => Math.Min(options.MaxRecordLength, OverlayMessageSize);
}
