using Stellar.HistoryWork.Publish;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Tests.Publish.Snapshots;

/// <summary>A real archive taken apart into what a node would feed an appender: its closed ledgers, HAS files and buckets.</summary>
internal static class FixtureLedgers
{
    public static IReadOnlyList<uint> Checkpoints(string archive) => Directory
        .EnumerateFiles(Path.Combine(archive, "history"), "*.json", SearchOption.AllDirectories)
        .Select(f => ArchivePaths.TryParseHistoryState(Path.GetRelativePath(archive, f).Replace('\\', '/'), out var c) ? c : throw new InvalidDataException(f))
        .Order()
        .ToList();

    /// <summary>The checkpoint's ledgers, each with its transactions, results and SCP entries, decoded from the archive's files.</summary>
    public static List<ClosedLedger> Ledgers(string archive, uint checkpoint)
    {
        var headers = Records<LedgerHeaderHistoryEntry>(archive, HistoryFileKind.Ledger, checkpoint);
        var transactions = Records<TransactionHistoryEntry>(archive, HistoryFileKind.Transactions, checkpoint).ToDictionary(e => e.LedgerSeq);
        var results = Records<TransactionHistoryResultEntry>(archive, HistoryFileKind.Results, checkpoint).ToDictionary(e => e.LedgerSeq);
        var scp = Records<SCPHistoryEntry>(archive, HistoryFileKind.Scp, checkpoint).ToLookup(e => e.V0!.LedgerMessages.LedgerSeq);
        return headers
            .Select(h => new ClosedLedger(h, transactions.GetValueOrDefault(h.Header.LedgerSeq), results.GetValueOrDefault(h.Header.LedgerSeq), scp[h.Header.LedgerSeq].ToList()))
            .ToList();
    }

    public static HistoryArchiveState State(string archive, uint checkpoint)
    {
        var path = Path.Combine(archive, ArchivePaths.HistoryState(checkpoint));
        return HistoryArchiveState.Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Every bucket file of the archive by hash, as a node's bucket directory would give them.</summary>
    public static Dictionary<string, string> Buckets(string archive) => Directory
        .EnumerateFiles(Path.Combine(archive, "bucket"), "*.xdr.gz", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetFileName(f)["bucket-".Length..^".xdr.gz".Length], StringComparer.Ordinal);

    public static List<T> Records<T>(string archive, HistoryFileKind kind, uint checkpoint)
        where T : IXdrType<T>
    {
        var path = Path.Combine(archive, ArchivePaths.CheckpointFile(kind, checkpoint));
        var records = new List<T>();
        if (!File.Exists(path))
        {
            return records;
        }

        using var reader = XdrRecordReader.OpenFile(path);
        while (reader.ReadNext())
        {
            records.Add(reader.DecodeCurrent<T>());
        }

        return records;
    }
}
