namespace Stellar.HistoryWork.Verification;

/// <summary>A verified transactions, results or SCP file: how many entries (ledgers with transactions, or SCP entries) it had.</summary>
public sealed record HistoryFileResult(string Path, uint Checkpoint, int Entries, long DecompressedBytes)
{
    /// <summary>For a transactions file, the transactions in all its sets; 0 for other files.</summary>
    public int Transactions { get; init; }
}
