using System.Globalization;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Verifies a checkpoint's results file against its verified headers (ARCHIVE-FORMAT.md §4.6, §4.8):
/// SHA256(XDR(TransactionResultSet)) equals <c>txSetResultHash</c>; a ledger without an entry had the
/// empty result set (SHA256 of four zero bytes), except genesis ledger 1 whose hash is all zeros.
/// </summary>
public static class ResultsVerifier
{
    /// <summary>SHA-256 of an empty <c>TransactionResultSet</c> (its count, 0).</summary>
    public static ReadOnlySpan<byte> EmptyResultSetHash =>
    [
        0xdf, 0x3f, 0x61, 0x98, 0x04, 0xa9, 0x2f, 0xdb, 0x40, 0x57, 0x19, 0x2d, 0xc4, 0x3d, 0xd7, 0x48,
        0xea, 0x77, 0x8a, 0xdc, 0x52, 0xbc, 0x49, 0x8c, 0xe8, 0x05, 0x24, 0xc0, 0x14, 0xb8, 0x11, 0x19,
    ];

    /// <param name="decompressed">The decompressed <c>results-*.xdr</c> stream (may be empty).</param>
    /// <param name="path">Archive path, for messages.</param>
    /// <param name="headers">The checkpoint's verified headers.</param>
    /// <param name="options">Limits.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="HistoryVerificationException">The first broken rule, with the ledger.</exception>
    public static async Task<HistoryFileResult> VerifyAsync(
        Stream decompressed,
        string path,
        LedgerHeaderFileResult headers,
        HistoryVerificationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decompressed);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(headers);
        options ??= HistoryVerificationOptions.Default;
        options.Validate();

        var (entries, bytes) = await LedgerEntryPlacement.ReadInPlaceAsync<TransactionHistoryResultEntry>(
            decompressed, path, headers, options, static e => e.LedgerSeq, (header, entry) => CheckEntry(path, header, entry), header => CheckLedgerWithoutEntry(path, header), cancellationToken).ConfigureAwait(false);
        return new HistoryFileResult(path, headers.Checkpoint, entries, bytes);
    }

    private static void CheckEntry(string path, LedgerHeaderHistoryEntry header, TransactionHistoryResultEntry entry)
    {
        var actual = StellarHashes.TransactionResultSetHash(entry.TxResultSet);
        if (!actual.AsSpan().SequenceEqual(header.Header.TxSetResultHash))
        {
            throw Problem(path, entry.LedgerSeq, ProblemKind.HashMismatch,
                $"result set hashes to {HashHex.ToHex(actual)}, but the header's txSetResultHash is {HashHex.ToHex(header.Header.TxSetResultHash)} (rule: SHA256(XDR(TransactionResultSet)) = txSetResultHash)");
        }
    }

    private static void CheckLedgerWithoutEntry(string path, LedgerHeaderHistoryEntry header)
    {
        var seq = header.Header.LedgerSeq;
        var expected = header.Header.TxSetResultHash;
        var ok = seq == 1
            ? !expected.AsSpan().ContainsAnyExcept((byte)0)
            : expected.AsSpan().SequenceEqual(EmptyResultSetHash);
        if (!ok)
        {
            throw Problem(path, seq, ProblemKind.HashMismatch,
                seq == 1
                    ? $"genesis txSetResultHash is {HashHex.ToHex(expected)}, not all zeros (rule: genesis has no results)"
                    : $"ledger has no entry, but its txSetResultHash {HashHex.ToHex(expected)} is not the empty result set's (rule: a ledger without an entry had no results)");
        }
    }

    private static HistoryVerificationException Problem(string path, uint ledger, ProblemKind kind, string message) =>
        HistoryVerificationException.Create(path, ledger, kind, string.Create(CultureInfo.InvariantCulture, $"{path}, ledger {ledger}: {message}"));
}
