using System.Globalization;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Where an entry of a transactions or results file may stand (ARCHIVE-FORMAT.md §4.8): inside the
/// checkpoint, after the previous entry, one per ledger. One rule for both kinds of file.
/// </summary>
internal static class LedgerEntryPlacement
{
    /// <summary>
    /// Checks the entry for ledger <paramref name="seq"/> given <paramref name="next"/>, the first ledger
    /// not yet accounted for. False when the entry lies past the end of a requested range (the read may
    /// stop there); throws when it breaks the rule.
    /// </summary>
    public static bool IsWithinRange(string path, LedgerHeaderFileResult headers, long next, uint seq)
    {
        var first = headers.First.Header.LedgerSeq;
        if (seq < next)
        {
            throw Corrupt(path, seq,
                seq < first
                    ? $"entry for ledger {seq} is before the checkpoint's first ledger {first} (rule: entries lie inside the checkpoint)"
                    : $"entry for ledger {seq} is out of order or repeated (rule: entries in increasing order, no duplicates)");
        }

        if (seq > headers.Checkpoint)
        {
            throw Corrupt(path, seq, $"entry for ledger {seq} is after checkpoint ledger {headers.Checkpoint} (rule: entries lie inside the checkpoint)");
        }

        return seq <= headers.Last.Header.LedgerSeq;
    }

    /// <summary>
    /// Reads the entries of a transactions or results file where they may stand and accounts for every ledger of
    /// <paramref name="headers"/>: <paramref name="checkEntry"/> for each ledger with an entry,
    /// <paramref name="checkLedgerWithoutEntry"/> for each one without, in ledger order. An entry past the end of a
    /// requested range ends the read.
    /// </summary>
    /// <returns>The entries read and the decompressed bytes.</returns>
    public static async Task<(int Entries, long Bytes)> ReadInPlaceAsync<T>(
        Stream decompressed,
        string path,
        LedgerHeaderFileResult headers,
        HistoryVerificationOptions options,
        Func<T, uint> ledgerOf,
        Action<LedgerHeaderHistoryEntry, T> checkEntry,
        Action<LedgerHeaderHistoryEntry> checkLedgerWithoutEntry,
        CancellationToken cancellationToken)
        where T : class, IXdrType<T>
    {
        var entries = 0;
        // Counted in 64 bits: an entry for the last possible ledger must not wrap the next one to 0.
        long next = headers.First.Header.LedgerSeq; // the next ledger not yet accounted for
        await using var reader = new HistoryRecordReader<T>(decompressed, path, options);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } entry)
        {
            var seq = ledgerOf(entry);
            if (!IsWithinRange(path, headers, next, seq))
            {
                break; // past the end of a requested range
            }

            WithoutEntries(headers, next, (long)seq - 1, checkLedgerWithoutEntry);
            checkEntry(headers.Find(seq)!, entry);
            entries++;
            next = (long)seq + 1;
        }

        WithoutEntries(headers, next, headers.Last.Header.LedgerSeq, checkLedgerWithoutEntry);
        return (entries, reader.BytesRead);
    }

    private static void WithoutEntries(LedgerHeaderFileResult headers, long from, long to, Action<LedgerHeaderHistoryEntry> check)
    {
        for (var ledger = from; ledger <= to; ledger++)
        {
            check(headers.Find((uint)ledger)!);
        }
    }

    private static HistoryVerificationException Corrupt(string path, uint ledger, string message) =>
        HistoryVerificationException.Create(path, ledger, ProblemKind.Corrupt, string.Create(CultureInfo.InvariantCulture, $"{path}, ledger {ledger}: {message}"));
}
