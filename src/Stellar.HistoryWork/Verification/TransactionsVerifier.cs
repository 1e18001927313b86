using System.Globalization;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Verifies a checkpoint's transactions file against its verified headers (ARCHIVE-FORMAT.md §4.5, §4.8):
/// each entry's set hashes to its header's <c>scpValue.txSetHash</c>, every ledger without an entry had the
/// empty set, and entries are in increasing order inside the checkpoint without duplicates.
/// </summary>
public static class TransactionsVerifier
{
    /// <param name="decompressed">The decompressed <c>transactions-*.xdr</c> stream (may be empty).</param>
    /// <param name="path">Archive path, for messages.</param>
    /// <param name="headers">The checkpoint's verified headers (from <see cref="LedgerHeaderVerifier"/>).</param>
    /// <param name="previousLedgerVersion">
    /// Protocol of the ledger before the file's first ledger (the previous checkpoint's last header), which
    /// decides the shape of an empty set there; null when unknown (then the protocol of the first ledger is
    /// used when it carries no version upgrade, else any shape an upgrade could have come from). Every other
    /// ledger's empty set follows its previous header in the file.
    /// </param>
    /// <param name="options">Limits.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="HistoryVerificationException">The first broken rule, with the ledger.</exception>
    public static async Task<HistoryFileResult> VerifyAsync(
        Stream decompressed,
        string path,
        LedgerHeaderFileResult headers,
        uint? previousLedgerVersion = null,
        HistoryVerificationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decompressed);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(headers);
        options ??= HistoryVerificationOptions.Default;
        options.Validate();

        var transactions = 0;
        var (entries, bytes) = await LedgerEntryPlacement.ReadInPlaceAsync<TransactionHistoryEntry>(
            decompressed,
            path,
            headers,
            options,
            static e => e.LedgerSeq,
            (header, entry) =>
            {
                CheckEntry(path, header, entry);
                transactions += CountTransactions(entry);
            },
            header => CheckLedgerWithoutEntry(path, headers, header, previousLedgerVersion),
            cancellationToken).ConfigureAwait(false);
        return new HistoryFileResult(path, headers.Checkpoint, entries, bytes) { Transactions = transactions };
    }

    private static int CountTransactions(TransactionHistoryEntry entry) =>
        entry.Ext.GeneralizedTxSet is { } generalized
            ? generalized.V1TxSet?.Phases.Sum(CountTransactions) ?? 0
            : entry.TxSet.Txs.Length;

    private static int CountTransactions(TransactionPhase phase) =>
        (phase.V0Components?.Sum(c => c.TxsMaybeDiscountedFee?.Txs.Length ?? 0) ?? 0)
        + (phase.ParallelTxsComponent?.ExecutionStages.Sum(stage => stage.Sum(cluster => cluster.Length)) ?? 0);

    private static void CheckEntry(string path, LedgerHeaderHistoryEntry header, TransactionHistoryEntry entry)
    {
        var seq = entry.LedgerSeq;
        byte[] actual;
        string rule;
        switch (entry.Ext.Discriminant)
        {
            case 0:
                actual = StellarHashes.LegacyTransactionSetHash(entry.TxSet.PreviousLedgerHash, entry.TxSet.Txs);
                rule = "legacy tx set hash = SHA256(previousLedgerHash || envelopes)";
                break;
            case 1:
                if (entry.TxSet.Txs.Length != 0)
                {
                    throw Problem(path, seq, ProblemKind.Corrupt,
                        $"entry has a generalized set and {entry.TxSet.Txs.Length} legacy transactions (rule: with ext.v = 1 the legacy txSet is empty)");
                }

                actual = StellarHashes.GeneralizedTransactionSetHash(entry.Ext.GeneralizedTxSet!);
                rule = "generalized tx set hash = SHA256(XDR(GeneralizedTransactionSet))";
                break;
            default:
                throw Problem(path, seq, ProblemKind.Corrupt, $"entry has ext.v = {entry.Ext.Discriminant} (rule: ext.v is 0 or 1)");
        }

        var expected = header.Header.ScpValue.TxSetHash;
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw Problem(path, seq, ProblemKind.HashMismatch,
                $"transaction set hashes to {HashHex.ToHex(actual)}, but the header's txSetHash is {HashHex.ToHex(expected)} (rule: {rule})");
        }
    }

    private static void CheckLedgerWithoutEntry(string path, LedgerHeaderFileResult headers, LedgerHeaderHistoryEntry header, uint? previousLedgerVersion)
    {
        var seq = header.Header.LedgerSeq;
        var expected = header.Header.ScpValue.TxSetHash;
        if (seq == 1 || (header.Header.LedgerVersion >= EmptyTransactionSet.FirstZeroHashProtocol && !expected.AsSpan().ContainsAnyExcept((byte)0)))
        {
            // Genesis has no transaction set; from protocol 28 an all-zero hash marks an empty set (CAP-0083).
            return;
        }

        var prevVersion = EmptyTransactionSet.ProtocolFor(headers, seq, previousLedgerVersion);
        var matched = prevVersion is { } version
            ? EmptyTransactionSet.Hash(version, header.Header.PreviousLedgerHash).AsSpan().SequenceEqual(expected)
            : EmptyTransactionSet.Candidates(header.Header.LedgerVersion, header.Header.PreviousLedgerHash).Any(c => c.AsSpan().SequenceEqual(expected));
        if (!matched)
        {
            throw Problem(path, seq, ProblemKind.HashMismatch,
                $"ledger has no entry, but its txSetHash {HashHex.ToHex(expected)} is not the hash of an empty set for protocol {prevVersion?.ToString(CultureInfo.InvariantCulture) ?? "≤ " + header.Header.LedgerVersion.ToString(CultureInfo.InvariantCulture)} (rule: a ledger without an entry had the empty set)");
        }
    }

    private static HistoryVerificationException Problem(string path, uint ledger, ProblemKind kind, string message) =>
        HistoryVerificationException.Create(path, ledger, kind, string.Create(CultureInfo.InvariantCulture, $"{path}, ledger {ledger}: {message}"));
}
