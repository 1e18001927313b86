using System.Collections.Concurrent;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Downloads and verifies one kind of checkpoint file for every checkpoint of the range, with bounded
/// concurrency: the one engine behind every range download (<see cref="BatchDownloadWork"/> and the
/// <c>Download*Work</c> items differ only in how they verify a file and what they do with the results).
/// A file already in the store is verified again from disk (cheap, and it yields the data later stages
/// need); one that no longer verifies is dropped and fetched afresh.
/// </summary>
/// <typeparam name="T">What verifying one file yields.</typeparam>
public abstract class CheckpointFilesWork<T> : HistoryDownloadWork
{
    private protected CheckpointFilesWork(HistoryWorkContext context, HistoryWorkStage stage, HistoryFileKind kind)
        : base(context, stage)
    {
        Kind = kind;
    }

    /// <summary>The kind of file this work fetches.</summary>
    public HistoryFileKind Kind { get; }

    /// <inheritdoc />
    public override string Name => $"download-{ArchivePaths.CategoryOf(Kind)}-{Context.Range.First}-{Context.Range.Last}";

    private protected override async Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken)
    {
        var range = Context.Range;
        await Context.State.StartStageAsync(Stage, range.Count, cancellationToken).ConfigureAwait(false);
        var verified = new ConcurrentDictionary<uint, T>();
        var absent = new ConcurrentDictionary<uint, bool>();
        var failures = new List<Exception>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Context.Options.MaxConcurrentDownloads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(range, parallel, async (checkpoint, ct) =>
        {
            try
            {
                var (found, value, bytes) = await FetchAndRecordAsync(checkpoint, ct).ConfigureAwait(false);
                if (!found)
                {
                    absent[checkpoint] = true;
                }
                else
                {
                    verified[checkpoint] = value;
                }

                await Context.State.AdvanceStageAsync(Stage, 1, bytes, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        }).ConfigureAwait(false);

        if (Kind == HistoryFileKind.Scp)
        {
            failures.AddRange(MissingScpProblems(absent));
        }

        DownloadVerification.ThrowIfAny(failures, ArchivePaths.CategoryOf(Kind));
        await AfterAllAsync(verified, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fetches (or reuses), verifies and records the file of one checkpoint, and counts it in the stage's progress:
    /// the per-checkpoint step of a catchup delivered checkpoint by checkpoint (<see cref="StreamCheckpointFilesWork"/>).
    /// False when the file is absent and may be (SCP history; whether that gap is a problem is the caller's to judge).
    /// </summary>
    internal async Task<bool> FetchCheckpointAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        var (found, _, bytes) = await FetchAndRecordAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        await Context.State.AdvanceStageAsync(Stage, 1, bytes, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>Verifies one file's compressed bytes, reading them to their end.</summary>
    private protected abstract Task<T> VerifyAsync(Stream compressed, string path, uint checkpoint, CancellationToken cancellationToken);

    /// <summary>Records one verified file in the shared state, with its entry counts when the verifier gave them.</summary>
    private protected virtual Task OnVerifiedAsync(uint checkpoint, T value, string localPath, CancellationToken cancellationToken) =>
        Context.State.RecordFileAsync(Kind, checkpoint, localPath, value as HistoryFileResult, cancellationToken);

    /// <summary>Checks what spans files, once every file verified on its own.</summary>
    private protected virtual Task AfterAllAsync(IReadOnlyDictionary<uint, T> verified, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Whether a file missing from every archive is acceptable for now; returning true records nothing for that
    /// checkpoint. Only SCP history may be missing, and whether a gap is a problem depends on which files exist,
    /// known once all were tried (<see cref="MissingScpProblems"/>).
    /// </summary>
    private protected virtual bool MayBeMissing(uint checkpoint) => Kind == HistoryFileKind.Scp;

    /// <summary>
    /// The absent SCP files that the one SCP presence rule (<see cref="ScpVerifier.IsMissingFileAProblem(uint, uint?, bool)"/>)
    /// says are problems. A file that exists counts as present even when it failed, as in <see cref="ArchiveVerifier"/>.
    /// </summary>
    private List<Exception> MissingScpProblems(ConcurrentDictionary<uint, bool> absent)
    {
        var problems = new List<Exception>();
        uint? firstWithScp = null;
        foreach (var checkpoint in Context.Range)
        {
            if (!absent.ContainsKey(checkpoint))
            {
                firstWithScp ??= checkpoint;
            }
            else if (ScpVerifier.IsMissingFileAProblem(checkpoint, firstWithScp, Context.Options.RequireScpHistory))
            {
                problems.Add(ScpVerifier.MissingFile(checkpoint, firstWithScp));
            }
        }

        return problems;
    }

    /// <summary>The progress stage of a kind of checkpoint file.</summary>
    private protected static HistoryWorkStage StageOf(HistoryFileKind kind) => kind switch
    {
        HistoryFileKind.Ledger => HistoryWorkStage.LedgerHeaders,
        HistoryFileKind.Transactions => HistoryWorkStage.Transactions,
        HistoryFileKind.Results => HistoryWorkStage.Results,
        HistoryFileKind.Scp => HistoryWorkStage.ScpHistory,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown history file kind."),
    };

    private async Task<(bool Found, T Value, long Bytes)> FetchAndRecordAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        var fetched = await FetchOneAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        if (fetched.Found)
        {
            await OnVerifiedAsync(checkpoint, fetched.Value, Context.Store.LocalPath(ArchivePaths.CheckpointFile(Kind, checkpoint)), cancellationToken).ConfigureAwait(false);
        }

        return fetched;
    }

    private async Task<(bool Found, T Value, long Bytes)> FetchOneAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        var path = ArchivePaths.CheckpointFile(Kind, checkpoint);
        try
        {
            var (fetched, bytes) = await Context.Store.FetchOrReuseAsync(Context.Archive, path, (s, ct) => VerifyAsync(s, path, checkpoint, ct), cancellationToken).ConfigureAwait(false);
            return (true, fetched, bytes);
        }
        catch (ArchiveFileNotFoundException) when (MayBeMissing(checkpoint))
        {
            // A value-type result cannot say "absent" by itself (false or 0 would pass for a verified file).
            return (false, default!, 0);
        }
    }
}
