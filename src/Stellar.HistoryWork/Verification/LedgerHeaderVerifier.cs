using System.Globalization;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Verifies ledger header files (ARCHIVE-FORMAT.md §4.1–4.2): each entry's hash is the SHA-256 of its
/// header's XDR, the ledgers of a file form an unbroken chain covering exactly the checkpoint, files link
/// to each other, and the newest hash agrees with a trusted one when the caller has one.
/// </summary>
public static class LedgerHeaderVerifier
{
    /// <summary>
    /// Reads and verifies one checkpoint's ledger header file from its decompressed record stream.
    /// </summary>
    /// <param name="decompressed">The decompressed <c>ledger-*.xdr</c> stream (wrap the archive file in a <see cref="System.IO.Compression.GZipStream"/>).</param>
    /// <param name="path">Archive path of the file, for messages.</param>
    /// <param name="checkpoint">The checkpoint ledger the file belongs to.</param>
    /// <param name="math">Checkpoint frequency.</param>
    /// <param name="lastLedger">End of a requested range inside this checkpoint; reading stops there. Null = the checkpoint.</param>
    /// <param name="trusted">A trusted hash of a ledger in this file (usually its last), or null.</param>
    /// <param name="options">Limits.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="HistoryVerificationException">The first broken rule; Untrusted when only the trusted hash disagrees.</exception>
    public static async Task<LedgerHeaderFileResult> VerifyAsync(
        Stream decompressed,
        string path,
        uint checkpoint,
        CheckpointMath math,
        uint? lastLedger = null,
        TrustedLedgerHash? trusted = null,
        HistoryVerificationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decompressed);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(math);
        if (!math.IsCheckpoint(checkpoint))
        {
            throw new ArgumentException($"{checkpoint} is not a checkpoint ledger ({math})", nameof(checkpoint));
        }

        var first = math.FirstLedgerIn(checkpoint);
        var last = lastLedger ?? checkpoint;
        if (last < first || last > checkpoint)
        {
            throw new ArgumentOutOfRangeException(nameof(lastLedger), lastLedger, $"must lie in checkpoint {checkpoint} ({first}..{checkpoint})");
        }

        options ??= HistoryVerificationOptions.Default;
        options.Validate();
        var entries = new List<LedgerHeaderHistoryEntry>((int)(last - first + 1));
        await using (var reader = new HistoryRecordReader<LedgerHeaderHistoryEntry>(decompressed, path, options))
        {
            while (entries.Count < (int)(last - first + 1))
            {
                var entry = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (entry is null)
                {
                    var got = entries.Count == 0 ? "no headers" : string.Create(CultureInfo.InvariantCulture, $"headers only up to ledger {entries[^1].Header.LedgerSeq}");
                    throw Problem(path, entries.Count == 0 ? first : entries[^1].Header.LedgerSeq + 1, ProblemKind.Corrupt,
                        $"has {got}; it must cover ledgers {first}..{last} (rule: a ledger file holds every ledger of its checkpoint)");
                }

                var seq = entry.Header.LedgerSeq;
                var expectedSeq = first + (uint)entries.Count;
                if (seq != expectedSeq)
                {
                    var rule = entries.Count == 0
                        ? "the first record is the first ledger of the checkpoint"
                        : "ledgerSeq increases by exactly 1";
                    throw Problem(path, seq, entries.Count == 0 ? ProblemKind.Corrupt : ProblemKind.ChainBreak,
                        $"record {entries.Count + 1} is ledger {seq}, expected {expectedSeq} (rule: {rule})");
                }

                var actual = StellarHashes.LedgerHeaderHash(entry.Header);
                if (!actual.AsSpan().SequenceEqual(entry.Hash))
                {
                    throw Problem(path, seq, ProblemKind.HashMismatch,
                        $"entry hash {HashHex.ToHex(entry.Hash)} is not SHA-256(XDR(header)) = {HashHex.ToHex(actual)} (rule: header entry hash)");
                }

                if (entries.Count > 0 && !entry.Header.PreviousLedgerHash.AsSpan().SequenceEqual(entries[^1].Hash))
                {
                    throw Problem(path, seq, ProblemKind.ChainBreak,
                        $"previousLedgerHash {HashHex.ToHex(entry.Header.PreviousLedgerHash)} is not the hash of ledger {seq - 1}, {HashHex.ToHex(entries[^1].Hash)} (rule: header chain)");
                }

                entries.Add(entry);
            }

            if (last == checkpoint && await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } extra)
            {
                throw Problem(path, extra.Header.LedgerSeq, ProblemKind.Corrupt,
                    $"has a record for ledger {extra.Header.LedgerSeq} after checkpoint ledger {checkpoint} (rule: the last record is the checkpoint ledger)");
            }
        }

        var result = new LedgerHeaderFileResult(path, checkpoint, entries, Trusted: false);
        if (trusted is not null && result.Find(trusted.Ledger) is not null)
        {
            VerifyTrusted(result, trusted);
            result = result with { Trusted = true };
        }

        return result;
    }

    /// <summary>
    /// Checks the link between two adjacent checkpoint files: the older file's last hash must be the
    /// newer file's first <c>previousLedgerHash</c> (<see cref="LedgerFileLink.VerifyFollows"/>).
    /// </summary>
    /// <exception cref="HistoryVerificationException">ChainBreak naming the newer file.</exception>
    public static void VerifyLink(LedgerHeaderFileResult older, LedgerHeaderFileResult newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        LedgerFileLink.Of(newer).VerifyFollows(LedgerFileLink.Of(older));
    }

    /// <summary>Checks a verified file against a trusted hash of one of its ledgers.</summary>
    /// <exception cref="HistoryVerificationException">Untrusted (<see cref="HistoryVerificationException.IsTrustFailure"/>).</exception>
    /// <exception cref="ArgumentException">The trusted ledger is not in the file.</exception>
    public static void VerifyTrusted(LedgerHeaderFileResult file, TrustedLedgerHash trusted)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(trusted);
        var entry = file.Find(trusted.Ledger)
            ?? throw new ArgumentException($"ledger {trusted.Ledger} is not in {file.Path}", nameof(trusted));
        if (!entry.Hash.AsSpan().SequenceEqual(trusted.Hash))
        {
            throw Problem(file.Path, trusted.Ledger, ProblemKind.Untrusted,
                $"ledger {trusted.Ledger} has hash {HashHex.ToHex(entry.Hash)}, but the trusted hash is {HashHex.ToHex(trusted.Hash)} (rule: the chain ends at the trusted hash)");
        }
    }

    private static HistoryVerificationException Problem(string path, uint ledger, ProblemKind kind, string message) =>
        HistoryVerificationException.Create(path, ledger, kind, string.Create(CultureInfo.InvariantCulture, $"{path}, ledger {ledger}: {message}"));
}
