using System.Globalization;

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

    private static HistoryVerificationException Corrupt(string path, uint ledger, string message) =>
        HistoryVerificationException.Create(path, ledger, ProblemKind.Corrupt, string.Create(CultureInfo.InvariantCulture, $"{path}, ledger {ledger}: {message}"));
}
