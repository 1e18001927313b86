using System.Security.Cryptography;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

// TEMPORARY: forwards to Stellar.Xdr's hash helpers once they land on the xdr branch.
internal static class HistoryHashes
{
    public static byte[] LedgerHeader(LedgerHeader header) => SHA256.HashData(header.ToXdr());

    public static byte[] LegacyTransactionSet(byte[] previousLedgerHash, TransactionEnvelope[] envelopes)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(previousLedgerHash);
        foreach (var envelope in envelopes)
        {
            sha.AppendData(envelope.ToXdr());
        }

        return sha.GetHashAndReset();
    }

    public static byte[] GeneralizedTransactionSet(GeneralizedTransactionSet set) => SHA256.HashData(set.ToXdr());

    public static byte[] TransactionResultSet(TransactionResultSet set) => SHA256.HashData(set.ToXdr());
}
