using System.Globalization;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches the History Archive State of a checkpoint (or the archive's newest, <c>.well-known</c>; or, for a
/// mirror, of every checkpoint of the range), checks its rules and network, and shares it. A HAS is untrusted
/// until the ledger headers bind it through the bucket-list hash.
/// </summary>
public sealed class GetHistoryArchiveStateWork : HistoryDownloadWork
{
    private readonly uint? _checkpoint;
    private readonly CheckpointRange? _every;

    /// <summary>
    /// Fetches the HAS of <paramref name="range"/>'s last checkpoint (of every checkpoint with
    /// <see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/>, which a publish needs) into <paramref name="state"/>:
    /// the first work of a download built by hand, in <see cref="HistoryWorkBuilder.Register"/>'s order.
    /// </summary>
    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="range">The checkpoints, the same for every work on <paramref name="state"/>.</param>
    /// <param name="state">Shared with the other works of the download (and its store over the options' work directory).</param>
    /// <param name="options">Work directory, passphrase, trust, concurrency, limits, logging, metrics; defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory, or the range and options disagree on the checkpoint frequency.</exception>
    public GetHistoryArchiveStateWork(IArchiveReader archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(archive, range, state, options, HistoryWorkStage.HistoryArchiveState), range)
    {
    }

    internal GetHistoryArchiveStateWork(HistoryWorkContext context, CheckpointRange every)
        : base(context, HistoryWorkStage.HistoryArchiveState)
    {
        _checkpoint = context.HistoryArchiveStateCheckpoint;
        _every = every;
    }

    /// <inheritdoc />
    public override string Name => Every is { } every
        ? string.Create(CultureInfo.InvariantCulture, $"get-history-archive-states-{every.First}-{every.Last}")
        : _checkpoint is { } c ? $"get-history-archive-state-{c}" : "get-history-archive-state";

    /// <summary>The archive path fetched (for a range, the last checkpoint's).</summary>
    public string Path => _checkpoint is { } c ? ArchivePaths.HistoryState(c) : ArchivePaths.WellKnownState;

    /// <summary>
    /// The checkpoints whose HAS is fetched: the range given, when the options or a registered publish ask for every
    /// checkpoint's; null when only one HAS is.
    /// </summary>
    private CheckpointRange? Every => _every is { } every && Context.FetchEveryHistoryArchiveState ? every : null;

    private protected override async Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken)
    {
        Catchup?.Start();
        if (Every is not { } every)
        {
            await Context.State.StartStageAsync(Stage, 1, cancellationToken).ConfigureAwait(false);
            await FetchAsync(_checkpoint, cancellationToken).ConfigureAwait(false);
            return;
        }

        await Context.State.StartStageAsync(Stage, every.Count, cancellationToken).ConfigureAwait(false);
        var failures = new List<Exception>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Context.Options.MaxConcurrentDownloads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(every, parallel, async (checkpoint, ct) =>
        {
            try
            {
                await FetchAsync(checkpoint, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        }).ConfigureAwait(false);

        DownloadVerification.ThrowIfAny(failures, "history archive state");
    }

    /// <summary>
    /// Fetches, checks and shares one HAS (<c>.well-known</c> when <paramref name="checkpoint"/> is null); also how
    /// the headers' work fetches a checkpoint's HAS again after the one it had failed to bind.
    /// </summary>
    /// <returns>The state and the bytes fetched.</returns>
    internal static async Task<(HistoryArchiveState State, long Bytes)> FetchStateAsync(HistoryWorkContext context, uint? checkpoint, CancellationToken cancellationToken)
    {
        var path = checkpoint is { } c ? ArchivePaths.HistoryState(c) : ArchivePaths.WellKnownState;
        async Task<HistoryArchiveState> VerifyAsync(Stream stream, CancellationToken ct)
        {
            var state = await HistoryStateVerifier.ReadAsync(stream, path, context.Options.NetworkPassphrase, ct).ConfigureAwait(false);

            // Checked before the store renames the file into place, so a HAS of another checkpoint never has this name.
            if (checkpoint is { } expected && state.CurrentLedger != expected)
            {
                throw new HistoryVerificationException(new VerificationProblem(path, expected, ProblemKind.Corrupt, $"{path}: currentLedger is {state.CurrentLedger}, not the checkpoint {expected} its name says (rule: a checkpoint HAS describes its checkpoint)"));
            }

            return state;
        }

        // A HAS kept by an earlier run was bound then: it is used once its own rules hold again, and the headers bind it
        // again. A fetched one waits under a hidden name until the headers bind it (DownloadLedgerHeadersWork), so a
        // HAS this run rejects never replaces a good one under the final name.
        var (has, bytes) = await context.Store.FetchOrReuseAsync(context.Archive, path, VerifiedFileStore.UnboundPath(path), VerifyAsync, cancellationToken).ConfigureAwait(false);

        await context.State.SetHistoryArchiveStateAsync(has.CurrentLedger, has, cancellationToken).ConfigureAwait(false);
        return (has, bytes);
    }

    private async Task FetchAsync(uint? checkpoint, CancellationToken cancellationToken)
    {
        var (_, bytes) = await FetchStateAsync(Context, checkpoint, cancellationToken).ConfigureAwait(false);
        await Context.State.AdvanceStageAsync(Stage, 1, bytes, cancellationToken).ConfigureAwait(false);
    }
}
