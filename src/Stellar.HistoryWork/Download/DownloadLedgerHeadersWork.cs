using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches the ledger headers of every checkpoint in the range and verifies each entry's hash, the chain
/// inside and across files (newest back), the trusted hash when one is given, and — when the range ends at
/// the checkpoint whose HAS was fetched — each fetched HAS's bucket-list hash against its checkpoint's header.
/// </summary>
public sealed class DownloadLedgerHeadersWork : CheckpointFilesWork<LedgerHeaderFileResult>
{
    private readonly bool _bindHistoryArchiveState;

    internal DownloadLedgerHeadersWork(HistoryWorkContext context, bool bindHistoryArchiveState)
        : base(context, HistoryWorkStage.LedgerHeaders, HistoryFileKind.Ledger)
    {
        _bindHistoryArchiveState = bindHistoryArchiveState;
    }

    private protected override Task<LedgerHeaderFileResult> VerifyAsync(Stream compressed, string path, uint checkpoint, CancellationToken cancellationToken) =>
        DownloadVerification.VerifyHeadersAsync(compressed, path, checkpoint, Context.Checkpoints, Context.Options.MaxCheckpointFileSize, cancellationToken);

    // Headers are published to the shared state only after the chain across files holds.
    private protected override Task OnVerifiedAsync(uint checkpoint, LedgerHeaderFileResult value, string localPath, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    private protected override async Task AfterAllAsync(IReadOnlyDictionary<uint, LedgerHeaderFileResult> verified, CancellationToken cancellationToken)
    {
        uint? trustedUpTo;
        try
        {
            trustedUpTo = DownloadVerification.VerifyChain(Context.Range, verified, Context.Options);
        }
        catch (HistoryVerificationException e)
        {
            // Each file verified on its own, so they sit in the store; drop the ones the failed rule involves,
            // or every retry would reuse them and meet the same break even where another archive is good. A
            // break is reported at the newer file's first ledger and involves the file before it too.
            if (e.Problem.Ledger is { } ledger)
            {
                var checkpoint = Context.Checkpoints.CheckpointContaining(ledger);
                Context.Store.Remove(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint));
                if (e.Kind == ProblemKind.ChainBreak && Context.Checkpoints.TryGetPrevious(checkpoint, out var older))
                {
                    Context.Store.Remove(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, older));
                }
            }

            throw;
        }

        if (_bindHistoryArchiveState)
        {
            var states = await Context.State.GetHistoryArchiveStatesAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (checkpoint, has) in states)
            {
                DownloadVerification.VerifyBucketList(has, ArchivePaths.HistoryState(checkpoint), verified[checkpoint], Context.Options.NetworkPassphrase);
            }
        }

        foreach (var (checkpoint, headers) in verified)
        {
            await Context.State.SetHeadersAsync(checkpoint, headers, Context.Store.LocalPath(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint)), cancellationToken).ConfigureAwait(false);
        }

        await Context.State.SetTrustedUpToAsync(trustedUpTo, cancellationToken).ConfigureAwait(false);
    }
}
