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

    // Built by hand: the HAS work may not be part of the download, so only the states fetched are bound.
    private readonly bool _bindOnlyWhatIsThere;

    // Pool members whose headers contradicted the trusted hash, across this work's attempts.
    private readonly HashSet<IArchiveReader> _forked = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Fetches and chains the ledger headers of <paramref name="range"/> into <paramref name="state"/>, anchored at the
    /// options' trusted hash, and binds every HAS the state holds by then: run it after the
    /// <see cref="GetHistoryArchiveStateWork"/> of the same state (as <see cref="HistoryWorkBuilder.Register"/> does) so
    /// that the HAS is bound before its buckets are trusted.
    /// </summary>
    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="range">The checkpoints, the same for every work on <paramref name="state"/>.</param>
    /// <param name="state">Shared with the other works of the download (and its store over the options' work directory).</param>
    /// <param name="options">Work directory, passphrase, trust, concurrency, limits, logging, metrics; defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory, or the range and options disagree on the checkpoint frequency.</exception>
    public DownloadLedgerHeadersWork(IArchiveReader archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : base(HistoryWorkContext.ByHand(archive, range, state, options, HistoryWorkStage.LedgerHeaders), HistoryWorkStage.LedgerHeaders, HistoryFileKind.Ledger)
    {
        _bindHistoryArchiveState = true;
        _bindOnlyWhatIsThere = true;
        LedgerRange.Of(range).RequireTrustedHashInside(Context.Options.TrustedHash);
    }

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
                var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint);
                var member = Context.Store.RejectBound(Context.Archive, path, e);
                if (e.IsTrustFailure && member is not null && Context.Archive is IFailoverArchive pool && pool.HasAlternativeTo(Forked(member)))
                {
                    // One member's fork is that member's fault while another remains (issue 10 row 13): it is avoided
                    // and the retry asks another; only when no member is left is the trusted hash contradicted.
                    throw HistoryVerificationException.Create(path, ledger, ProblemKind.HashMismatch,
                        $"{e.Problem.Message} The archive that served it is avoided; another is asked (rule: the chain ends at the trusted hash)", e);
                }

                if (e.Kind == ProblemKind.ChainBreak && Context.Checkpoints.TryGetPrevious(checkpoint, out var older))
                {
                    var olderPath = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, older);
                    Context.Store.Remove(olderPath);

                    // Either side of a break in a mirror's target may be the bad one: both come from the source next.
                    (Context.Archive as Publish.TargetFirstReader)?.ReadFromSource(olderPath);
                }
            }

            throw;
        }

        if (_bindHistoryArchiveState)
        {
            var states = _bindOnlyWhatIsThere
                ? await Context.State.FindHistoryArchiveStatesAsync(cancellationToken).ConfigureAwait(false)
                : await Context.State.GetHistoryArchiveStatesAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (checkpoint, has) in states)
            {
                await BindAsync(checkpoint, has, verified[checkpoint], cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var (checkpoint, headers) in verified)
        {
            await Context.State.SetHeadersAsync(checkpoint, headers, Context.Store.LocalPath(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint)), cancellationToken).ConfigureAwait(false);
        }

        await Context.State.SetTrustedUpToAsync(trustedUpTo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counts <paramref name="member"/> among the members that served a fork; returns those that did.</summary>
    private HashSet<IArchiveReader> Forked(IArchiveReader member)
    {
        lock (_forked)
        {
            _forked.Add(member);
            return new HashSet<IArchiveReader>(_forked, ReferenceEqualityComparer.Instance);
        }
    }

    /// <summary>
    /// Binds a fetched HAS to its verified header. One that does not bind is dropped from the store, the archive
    /// that served it is avoided, and it is fetched again (from another member of a pool) and bound once more:
    /// otherwise every retry would meet the same cached file while a good archive waits (issue 10 row 13).
    /// </summary>
    private async Task BindAsync(uint checkpoint, HistoryArchiveState has, LedgerHeaderFileResult headers, CancellationToken cancellationToken)
    {
        var path = ArchivePaths.HistoryState(checkpoint);
        try
        {
            DownloadVerification.VerifyBucketList(has, path, headers, Context.Options.NetworkPassphrase);
        }
        catch (HistoryVerificationException e) when (e.Kind == ProblemKind.BucketListMismatch)
        {
            Context.Store.RejectBound(Context.Archive, path, e);
            var (again, _) = await GetHistoryArchiveStateWork.FetchStateAsync(Context, checkpoint, cancellationToken).ConfigureAwait(false);
            try
            {
                DownloadVerification.VerifyBucketList(again, path, headers, Context.Options.NetworkPassphrase);
            }
            catch (HistoryVerificationException)
            {
                Context.Store.RejectBound(Context.Archive, path, e);
                throw;
            }
        }

        // Bound by its header: only now does a fetched HAS take its final name (issue 10 row 10).
        Context.Store.Bind(path);
    }
}
