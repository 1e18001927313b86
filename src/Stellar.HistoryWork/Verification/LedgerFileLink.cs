using System.Globalization;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// The two ends of one verified ledger header file — its first ledger with that ledger's
/// <c>previousLedgerHash</c>, and its last ledger with its hash — which is all that linking the file to its
/// neighbours needs (docs/ARCHIVE-FORMAT.md §4.2). Callers that verify many files keep this instead of every
/// header.
/// </summary>
/// <param name="Path">The archive path of the file, for messages.</param>
/// <param name="FirstLedger">The file's first ledger.</param>
/// <param name="FirstPreviousHash">The <c>previousLedgerHash</c> of <paramref name="FirstLedger"/>: the hash the older file must end with.</param>
/// <param name="LastLedger">The file's last ledger.</param>
/// <param name="LastHash">The hash of <paramref name="LastLedger"/>.</param>
public sealed record LedgerFileLink(string Path, uint FirstLedger, byte[] FirstPreviousHash, uint LastLedger, byte[] LastHash)
{
    /// <summary>The ends of a verified file.</summary>
    public static LedgerFileLink Of(LedgerHeaderFileResult file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new LedgerFileLink(file.Path, file.First.Header.LedgerSeq, file.First.Header.PreviousLedgerHash, file.Last.Header.LedgerSeq, file.Last.Hash);
    }

    /// <summary>
    /// Checks that this file continues <paramref name="older"/>: it starts at the ledger after the older file's
    /// last, and its first <c>previousLedgerHash</c> is the older file's last hash.
    /// </summary>
    /// <exception cref="HistoryVerificationException">ChainBreak naming this (the newer) file.</exception>
    public void VerifyFollows(LedgerFileLink older)
    {
        ArgumentNullException.ThrowIfNull(older);
        // Widened: a file ending at the last possible ledger has no successor, and must not wrap to ledger 0.
        if ((ulong)FirstLedger != (ulong)older.LastLedger + 1)
        {
            throw Problem($"starts at ledger {FirstLedger} but {older.Path} ends at ledger {older.LastLedger} (rule: files link without a gap)");
        }

        if (!older.LastHash.AsSpan().SequenceEqual(FirstPreviousHash))
        {
            throw Problem($"previousLedgerHash {HashHex.ToHex(FirstPreviousHash)} is not the hash of ledger {older.LastLedger} in {older.Path}, {HashHex.ToHex(older.LastHash)} (rule: header chain across files)");
        }
    }

    private HistoryVerificationException Problem(string message) =>
        HistoryVerificationException.Create(Path, FirstLedger, ProblemKind.ChainBreak, string.Create(CultureInfo.InvariantCulture, $"{Path}, ledger {FirstLedger}: {message}"));
}
