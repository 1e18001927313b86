using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches the History Archive State of a checkpoint (or the archive's newest, <c>.well-known</c>), checks its
/// rules and network, and shares it. The HAS is untrusted until the ledger headers bind it through the
/// bucket-list hash.
/// </summary>
public sealed class GetHistoryArchiveStateWork : HistoryDownloadWork
{
    private const int MaxStateFileSize = 1 << 20;
    private readonly uint? _checkpoint;

    internal GetHistoryArchiveStateWork(HistoryWorkContext context, uint? checkpoint)
        : base(context, HistoryWorkStage.HistoryArchiveState)
    {
        _checkpoint = checkpoint;
    }

    /// <inheritdoc />
    public override string Name => _checkpoint is { } c ? $"get-history-archive-state-{c}" : "get-history-archive-state";

    /// <summary>The archive path fetched.</summary>
    public string Path => _checkpoint is { } c ? ArchivePaths.HistoryState(c) : ArchivePaths.WellKnownState;

    private protected override async Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken)
    {
        Catchup?.Start();
        var state = Context.State;
        await state.StartStageAsync(Stage, 1, cancellationToken).ConfigureAwait(false);
        var (has, bytes) = await Context.Store.FetchAsync(
            Context.Archive,
            Path,
            (stream, ct) => HistoryStateVerifier.ReadAsync(new LengthLimitedStream(stream, MaxStateFileSize, Path), Path, Context.Options.NetworkPassphrase, ct),
            cancellationToken).ConfigureAwait(false);

        if (_checkpoint is { } checkpoint && has.CurrentLedger != checkpoint)
        {
            Context.Store.Remove(Path);
            throw new HistoryVerificationException(new VerificationProblem(Path, checkpoint, ProblemKind.Corrupt, $"{Path}: currentLedger is {has.CurrentLedger}, not the checkpoint {checkpoint} its name says (rule: a checkpoint HAS describes its checkpoint)"));
        }

        await state.SetHistoryArchiveStateAsync(has, cancellationToken).ConfigureAwait(false);
        await state.AdvanceStageAsync(Stage, 1, bytes, cancellationToken).ConfigureAwait(false);
    }
}
