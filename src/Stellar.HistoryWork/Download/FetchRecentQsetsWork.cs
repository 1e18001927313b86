using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Downloads the SCP history of the most recent checkpoints up to a ledger and collects the distinct quorum
/// sets seen there, keyed by their hash <c>SHA256(XDR(SCPQuorumSet))</c> — the hash SCP statements use to
/// name them. The reference node uses it on start-up to learn the quorum sets its network has been using.
/// </summary>
/// <remarks>
/// Each SCP file is checked (its records parse and lie inside their checkpoint). A missing SCP file is
/// tolerated as <see cref="ScpVerifier.IsMissingFileAProblem(uint, uint?, bool)"/> says: only a checkpoint after one that has an
/// SCP file must have one. <see cref="QuorumSets"/> is filled when the work succeeds.
/// </remarks>
public sealed partial class FetchRecentQsetsWork : CheckpointFilesWork<bool>
{
    /// <summary>How many checkpoints the reference node looks back.</summary>
    public const int DefaultCheckpointCount = 100;

    private IReadOnlyDictionary<string, SCPQuorumSet> _quorumSets = new Dictionary<string, SCPQuorumSet>();

    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="ledger">The newest ledger of interest; its checkpoint is the last one fetched.</param>
    /// <param name="options">Checkpoint frequency, work directory, concurrency, logging, metrics; defaults when null.</param>
    /// <param name="checkpointCount">How many checkpoints, ending at the one containing <paramref name="ledger"/> (fewer near genesis).</param>
    public FetchRecentQsetsWork(IArchiveReader archive, uint ledger, HistoryWorkOptions? options = null, int checkpointCount = DefaultCheckpointCount)
        : base(HistoryWorkContext.Standalone(archive, RecentRange(ledger, options?.Checkpoints ?? CheckpointMath.Default, checkpointCount), options), HistoryWorkStage.ScpHistory, HistoryFileKind.Scp)
    {
        Ledger = ledger;
    }

    /// <inheritdoc />
    public override string Name => $"fetch-recent-qsets-{Context.Range.First}-{Context.Range.Last}";

    /// <summary>The ledger the look-back ends at.</summary>
    public uint Ledger { get; }

    /// <summary>The checkpoints whose SCP history is read.</summary>
    public CheckpointRange Range => Context.Range;

    /// <summary>The distinct quorum sets seen, keyed by their hash as 64 lowercase hex digits; empty until the work succeeds.</summary>
    public IReadOnlyDictionary<string, SCPQuorumSet> QuorumSets => Volatile.Read(ref _quorumSets);

    private protected override async Task<bool> VerifyAsync(Stream compressed, string path, uint checkpoint, CancellationToken cancellationToken)
    {
        await DownloadVerification.VerifyScpAsync(compressed, path, checkpoint, Context.Checkpoints, Context.Options.MaxCheckpointFileSize, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private protected override async Task AfterAllAsync(IReadOnlyDictionary<uint, bool> verified, CancellationToken cancellationToken)
    {
        var quorumSets = new Dictionary<string, SCPQuorumSet>(StringComparer.Ordinal);
        foreach (var checkpoint in verified.Keys.Order())
        {
            var local = Context.Store.LocalPath(ArchivePaths.CheckpointFile(Kind, checkpoint));
            await foreach (var entry in HistoryFileReader.ReadRecordsAsync<SCPHistoryEntry>(local, cancellationToken).ConfigureAwait(false))
            {
                foreach (var quorumSet in entry.V0!.QuorumSets)
                {
                    quorumSets.TryAdd(HashHex.ToHex(StellarHashes.QuorumSetHash(quorumSet)), quorumSet);
                }
            }
        }

        Volatile.Write(ref _quorumSets, quorumSets);
        LogQuorumSetsFound(Logger, quorumSets.Count, verified.Count, Context.Range.Count, Ledger);
    }

    private static CheckpointRange RecentRange(uint ledger, CheckpointMath math, int checkpointCount)
    {
        ArgumentNullException.ThrowIfNull(math);
        ArgumentOutOfRangeException.ThrowIfLessThan(checkpointCount, 1);
        var last = math.CheckpointContaining(ledger);
        var back = (ulong)(checkpointCount - 1) * math.Frequency;
        var first = back >= (ulong)last - math.FirstCheckpoint ? math.FirstCheckpoint : (uint)(last - back);
        return new CheckpointRange(first, last, math);
    }

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "{QuorumSets} distinct quorum sets in the SCP history of {Files} of {Checkpoints} checkpoints up to ledger {Ledger}")]
    private static partial void LogQuorumSetsFound(ILogger logger, int quorumSets, int files, int checkpoints, uint ledger);
}
