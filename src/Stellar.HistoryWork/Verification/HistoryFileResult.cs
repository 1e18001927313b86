namespace Stellar.HistoryWork.Verification;

/// <summary>A verified transactions or results file: how many entries (ledgers with transactions) it had.</summary>
public sealed record HistoryFileResult(string Path, uint Checkpoint, int Entries, long DecompressedBytes);
