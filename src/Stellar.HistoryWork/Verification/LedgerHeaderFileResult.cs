using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// The verified headers of one checkpoint file, oldest first. <see cref="Trusted"/> is true only when a
/// trusted hash inside the file matched; otherwise the file is "verified but untrusted" until a caller
/// links it to a trusted header.
/// </summary>
public sealed record LedgerHeaderFileResult(
    string Path,
    uint Checkpoint,
    IReadOnlyList<LedgerHeaderHistoryEntry> Entries,
    bool Trusted)
{
    /// <summary>The first header entry of the file.</summary>
    public LedgerHeaderHistoryEntry First => Entries[0];

    /// <summary>The last header entry of the file.</summary>
    public LedgerHeaderHistoryEntry Last => Entries[^1];

    /// <summary>The header of <paramref name="ledger"/>, or null when it is not in this file.</summary>
    public LedgerHeaderHistoryEntry? Find(uint ledger)
    {
        var index = (long)ledger - First.Header.LedgerSeq;
        return index >= 0 && index < Entries.Count ? Entries[(int)index] : null;
    }
}
