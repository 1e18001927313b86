namespace Stellar.HistoryWork.Publish;

/// <summary>
/// What one run of a sharded mirror publishes (<see cref="ArchiveMirrorOptions.Stage"/>, docs/SCALE-OUT.md). The
/// shards of a job run <see cref="Buckets"/> first, then <see cref="Checkpoints"/>, so that the target never holds a
/// HAS before every bucket it names; <c>.well-known</c> is written by neither, only once every shard has finished.
/// </summary>
public enum ArchiveMirrorStage
{
    /// <summary>Everything, in publish order, <c>.well-known</c> last: an unsharded mirror.</summary>
    Everything = 0,

    /// <summary>
    /// The buckets the shard owns: those its slice's HAS files name, except those the HAS just below the slice names
    /// (the shard below owns them), each verified against its hash. No checkpoint file and no HAS.
    /// </summary>
    Buckets = 1,

    /// <summary>
    /// The slice's ledger, transactions, results and SCP files, then its HAS files, each HAS only once every bucket it
    /// names is at the target (otherwise the run fails naming the HAS and the absent bucket). No bucket.
    /// </summary>
    Checkpoints = 2,
}
