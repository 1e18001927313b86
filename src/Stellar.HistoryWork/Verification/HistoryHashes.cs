using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

// The verifiers name their hash rules through this one seam; the rules themselves live in Stellar.Xdr.
internal static class HistoryHashes
{
    public static byte[] LedgerHeader(LedgerHeader header) => StellarHashes.LedgerHeaderHash(header);

    public static byte[] LegacyTransactionSet(byte[] previousLedgerHash, TransactionEnvelope[] envelopes) =>
        StellarHashes.LegacyTransactionSetHash(previousLedgerHash, envelopes);

    public static byte[] GeneralizedTransactionSet(GeneralizedTransactionSet set) => StellarHashes.GeneralizedTransactionSetHash(set);

    public static byte[] TransactionResultSet(TransactionResultSet set) => StellarHashes.TransactionResultSetHash(set);
}
