namespace Stellar.HistoryWork.Publish;

/// <summary>
/// One checkpoint a <see cref="CheckpointAppender"/> made ready and checked: its HAS and the local files to publish,
/// every one gzipped as an archive holds it. Hand it to <see cref="CheckpointAppender.PublishAsync(CheckpointSnapshot, IReadOnlyList{IArchiveWriter}, CancellationToken)"/>.
/// </summary>
public sealed class CheckpointSnapshot
{
    internal CheckpointSnapshot(
        uint checkpoint,
        HistoryArchiveState state,
        string stateFile,
        IReadOnlyDictionary<HistoryFileKind, string> files,
        IReadOnlyDictionary<string, string> buckets)
    {
        Checkpoint = checkpoint;
        State = state;
        StateFile = stateFile;
        Files = files;
        Buckets = buckets;
    }

    /// <summary>The checkpoint ledger.</summary>
    public uint Checkpoint { get; }

    /// <summary>The checkpoint's HAS.</summary>
    public HistoryArchiveState State { get; }

    /// <summary>The local file holding the HAS exactly as it is published.</summary>
    public string StateFile { get; }

    /// <summary>
    /// The checkpoint's gzipped files by kind: always the ledger, transactions and results files (the last two with empty
    /// content when the checkpoint had no transactions); the SCP file only when there were SCP messages, as the
    /// reference node publishes no empty SCP file.
    /// </summary>
    public IReadOnlyDictionary<HistoryFileKind, string> Files { get; }

    /// <summary>Every bucket the HAS names (the empty bucket aside), by hash: the gzipped local file to publish.</summary>
    public IReadOnlyDictionary<string, string> Buckets { get; }
}
