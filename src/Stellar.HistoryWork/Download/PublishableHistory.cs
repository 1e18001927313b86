namespace Stellar.HistoryWork.Download;

/// <summary>
/// A snapshot of what the download work verified, as publishing needs it: local paths of the verified
/// files (gzipped exactly as the source published them) and the verified states.
/// </summary>
/// <param name="Buckets">Bucket hash (live and hot archive) → local path.</param>
/// <param name="Files">(kind, checkpoint) → local path of a ledger, transactions, results or SCP file.</param>
/// <param name="States">Checkpoint → its verified HAS, oldest first.</param>
internal sealed record PublishableHistory(
    IReadOnlyDictionary<string, string> Buckets,
    IReadOnlyDictionary<(HistoryFileKind Kind, uint Checkpoint), string> Files,
    IReadOnlyDictionary<uint, HistoryArchiveState> States);
