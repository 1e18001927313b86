using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork;

/// <summary>Where the hash that anchors a catchup came from, strongest first.</summary>
public enum CatchupTrustSource
{
    /// <summary>The node's own consensus (or a hash the operator typed): the normal case.</summary>
    Consensus,

    /// <summary>A trusted checkpoint hashes file (<c>verify-checkpoints</c>, ARCHIVE-FORMAT.md §8).</summary>
    CheckpointHashesFile,

    /// <summary>
    /// Several archives served the same header for the target ledger. Weaker than the others: archives run by one
    /// operator, or fed from one node, agree on a fork as readily as on the network's history.
    /// </summary>
    ArchivesAgree,
}

/// <summary>What anchors a catchup: one of the three <see cref="CatchupTrustSource"/>s.</summary>
public sealed class CatchupTrust
{
    private CatchupTrust(CatchupTrustSource source, TrustedLedgerHash? hash, TrustedCheckpointHashes? hashes, IReadOnlyList<IArchiveReader>? archives, int agreeing)
    {
        Source = source;
        Hash = hash;
        CheckpointHashes = hashes;
        Archives = archives;
        MinimumAgreeing = agreeing;
    }

    /// <summary>Where the trust comes from.</summary>
    public CatchupTrustSource Source { get; }

    /// <summary>The hash from consensus (<see cref="CatchupTrustSource.Consensus"/>).</summary>
    public TrustedLedgerHash? Hash { get; }

    /// <summary>The trusted checkpoint hashes (<see cref="CatchupTrustSource.CheckpointHashesFile"/>).</summary>
    public TrustedCheckpointHashes? CheckpointHashes { get; }

    /// <summary>The archives that must agree (<see cref="CatchupTrustSource.ArchivesAgree"/>).</summary>
    public IReadOnlyList<IArchiveReader>? Archives { get; }

    /// <summary>How many of <see cref="Archives"/> must serve the same header (<see cref="CatchupTrustSource.ArchivesAgree"/>).</summary>
    public int MinimumAgreeing { get; }

    /// <summary>A hash from the node's consensus; it must name a ledger the catchup establishes (usually the target).</summary>
    public static CatchupTrust FromConsensus(TrustedLedgerHash hash) =>
        new(CatchupTrustSource.Consensus, hash ?? throw new ArgumentNullException(nameof(hash)), null, null, 0);

    /// <summary>A trusted checkpoint hashes file; one of its hashes must name a checkpoint of the catchup.</summary>
    public static CatchupTrust FromCheckpointHashes(TrustedCheckpointHashes hashes) =>
        new(CatchupTrustSource.CheckpointHashesFile, null, hashes ?? throw new ArgumentNullException(nameof(hashes)), null, 0);

    /// <summary>
    /// The header of the target ledger as at least <paramref name="minimumAgreeing"/> of <paramref name="archives"/>
    /// serve it, all of those that answer agreeing — the weakest source (see <see cref="CatchupTrustSource.ArchivesAgree"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumAgreeing"/> is below 2 or above the number of archives.</exception>
    public static CatchupTrust FromAgreeingArchives(IReadOnlyList<IArchiveReader> archives, int minimumAgreeing = 2)
    {
        ArgumentNullException.ThrowIfNull(archives);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumAgreeing, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minimumAgreeing, archives.Count);
        return new(CatchupTrustSource.ArchivesAgree, null, null, [.. archives], minimumAgreeing);
    }

    /// <inheritdoc />
    public override string ToString() => Source switch
    {
        CatchupTrustSource.Consensus => $"consensus hash {Hash}",
        CatchupTrustSource.CheckpointHashesFile => $"{CheckpointHashes!.Count} trusted checkpoint hashes",
        _ => $"{MinimumAgreeing} of {Archives!.Count} archives agreeing",
    };
}
