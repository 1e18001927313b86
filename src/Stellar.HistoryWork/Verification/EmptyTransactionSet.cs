using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// The transaction set a ledger without a transactions entry had (ARCHIVE-FORMAT.md §4.5). Its shape
/// follows the protocol of the ledger it was built on (the previous ledger), as stellar-core builds an
/// empty set from its last closed ledger: before 20 a legacy set (hash = SHA256(previousLedgerHash));
/// 20–22 a generalized set with two empty sequential phases; from 23 the Soroban phase is an empty
/// parallel component (no base fee, no stages). Checked on real testnet data and the derived vectors.
/// </summary>
public static class EmptyTransactionSet
{
    /// <summary>First protocol whose empty set is generalized.</summary>
    public const uint FirstGeneralizedProtocol = 20;

    /// <summary>First protocol whose empty Soroban phase is a parallel component.</summary>
    public const uint FirstParallelSorobanProtocol = 23;

    /// <summary>First protocol where an all-zero <c>txSetHash</c> may stand for the empty set (CAP-0083).</summary>
    public const uint FirstZeroHashProtocol = 28;

    /// <summary>
    /// The protocol version the empty set of <paramref name="ledger"/> is hashed with — the one rule for every
    /// caller (docs/ARCHIVE-FORMAT.md §4.5): the version of the previous ledger's header, as the reference node
    /// builds a ledger's set on its last closed ledger. An upgrade inside a checkpoint therefore changes the
    /// shape from the ledger after it. For the file's first ledger the previous header is in the older file:
    /// <paramref name="versionBeforeFile"/> when the caller has it; else the first ledger's own version when its
    /// value carries no version upgrade (then nothing changed in between); else unknown (null).
    /// </summary>
    internal static uint? ProtocolFor(LedgerHeaderFileResult headers, uint ledger, uint? versionBeforeFile)
    {
        if (ledger > headers.First.Header.LedgerSeq && headers.Find(ledger - 1) is { } previous)
        {
            return previous.Header.LedgerVersion;
        }

        if (versionBeforeFile is { } known)
        {
            return known;
        }

        var first = headers.First.Header;
        return UpgradesVersion(first) ? null : first.LedgerVersion;
    }

    /// <summary>The empty set a ledger built on a ledger of <paramref name="previousLedgerVersion"/> had.</summary>
    public static byte[] Hash(uint previousLedgerVersion, byte[] previousLedgerHash)
    {
        ArgumentNullException.ThrowIfNull(previousLedgerHash);
        if (previousLedgerVersion < FirstGeneralizedProtocol)
        {
            return StellarHashes.LegacyTransactionSetHash(previousLedgerHash, []);
        }

        var soroban = previousLedgerVersion < FirstParallelSorobanProtocol
            ? new TransactionPhase { Discriminant = 0, V0Components = [] }
            : new TransactionPhase { Discriminant = 1, ParallelTxsComponent = new ParallelTxsComponent { BaseFee = null, ExecutionStages = [] } };
        var set = new GeneralizedTransactionSet
        {
            Discriminant = 1,
            V1TxSet = new TransactionSetV1
            {
                PreviousLedgerHash = previousLedgerHash,
                Phases = [new TransactionPhase { Discriminant = 0, V0Components = [] }, soroban],
            },
        };
        return StellarHashes.GeneralizedTransactionSetHash(set);
    }

    /// <summary>
    /// Every empty-set hash possible for a ledger of protocol <paramref name="ledgerVersion"/> when the
    /// previous ledger's protocol is unknown: one per shape whose protocol is at most
    /// <paramref name="ledgerVersion"/> (an upgrade only raises the protocol).
    /// </summary>
    public static IEnumerable<byte[]> Candidates(uint ledgerVersion, byte[] previousLedgerHash)
    {
        yield return Hash(0, previousLedgerHash);
        if (ledgerVersion >= FirstGeneralizedProtocol)
        {
            yield return Hash(FirstGeneralizedProtocol, previousLedgerHash);
        }

        if (ledgerVersion >= FirstParallelSorobanProtocol)
        {
            yield return Hash(FirstParallelSorobanProtocol, previousLedgerHash);
        }
    }

    private static bool UpgradesVersion(LedgerHeader header)
    {
        foreach (var raw in header.ScpValue.Upgrades)
        {
            try
            {
                if (LedgerUpgrade.FromXdr(raw).Discriminant == LedgerUpgradeType.LEDGER_UPGRADE_VERSION)
                {
                    return true;
                }
            }
            catch (XdrException)
            {
                return true; // an upgrade this build does not know may be one: leave the protocol open
            }
        }

        return false;
    }
}
