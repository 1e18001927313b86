using System.Collections.Concurrent;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Downloads the results files of a range of checkpoints and verifies each against ledger headers that are
/// already verified — those a <see cref="HistoryWorkBuilder"/> left in a <see cref="SharedHistoryState"/>, or
/// ones the caller hands over — so a node that already trusts its headers can fetch results alone. Runs on
/// the same engine as the other range downloads (bounded concurrency, stored files reused, a bad file fetched
/// again on the next attempt).
/// </summary>
public sealed class DownloadVerifyTxResultsWork : CheckpointFilesWork<HistoryFileResult>
{
    private readonly Func<uint, CancellationToken, Task<LedgerHeaderFileResult>> _headers;
    private IReadOnlyDictionary<uint, HistoryFileResult> _results = new Dictionary<uint, HistoryFileResult>();

    /// <summary>Verifies against the headers in <paramref name="state"/>, recording progress and the verified files there.</summary>
    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="state">Holds the verified headers of every checkpoint in <paramref name="range"/> by the time this runs.</param>
    /// <param name="range">The checkpoints.</param>
    /// <param name="options">Work directory, concurrency, limits, logging, metrics; defaults when null.</param>
    public DownloadVerifyTxResultsWork(IArchiveReader archive, SharedHistoryState state, CheckpointRange range, HistoryWorkOptions? options = null)
        : base(HistoryWorkContext.Standalone(archive, range, options, state ?? throw new ArgumentNullException(nameof(state))), HistoryWorkStage.Results, HistoryFileKind.Results)
    {
        _headers = state.GetHeadersAsync;
    }

    /// <summary>Verifies against <paramref name="headers"/>, which must hold every checkpoint of <paramref name="range"/>.</summary>
    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="headers">Verified headers by checkpoint (the caller vouches for them).</param>
    /// <param name="range">The checkpoints.</param>
    /// <param name="options">Work directory, concurrency, limits, logging, metrics; defaults when null.</param>
    /// <exception cref="ArgumentException">A checkpoint of the range has no headers.</exception>
    public DownloadVerifyTxResultsWork(IArchiveReader archive, IReadOnlyDictionary<uint, LedgerHeaderFileResult> headers, CheckpointRange range, HistoryWorkOptions? options = null)
        : base(HistoryWorkContext.Standalone(archive, range, options), HistoryWorkStage.Results, HistoryFileKind.Results)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var copy = new ConcurrentDictionary<uint, LedgerHeaderFileResult>();
        foreach (var checkpoint in range)
        {
            if (!headers.TryGetValue(checkpoint, out var file) || file.Checkpoint != checkpoint)
            {
                throw new ArgumentException($"No verified headers are given for checkpoint {checkpoint}.", nameof(headers));
            }

            copy[checkpoint] = file;
        }

        _headers = (checkpoint, _) => Task.FromResult(copy[checkpoint]);
    }

    /// <inheritdoc />
    public override string Name => $"download-verify-results-{Context.Range.First}-{Context.Range.Last}";

    /// <summary>The checkpoints of the range.</summary>
    public CheckpointRange Range => Context.Range;

    /// <summary>What each checkpoint's results file held; empty until the work succeeds.</summary>
    public IReadOnlyDictionary<uint, HistoryFileResult> Results => Volatile.Read(ref _results);

    private protected override async Task<HistoryFileResult> VerifyAsync(Stream compressed, string path, uint checkpoint, CancellationToken cancellationToken)
    {
        var headers = await _headers(checkpoint, cancellationToken).ConfigureAwait(false);
        return await DownloadVerification.VerifyResultsAsync(compressed, path, headers, Context.Options.MaxCheckpointFileSize, cancellationToken).ConfigureAwait(false);
    }

    private protected override Task AfterAllAsync(IReadOnlyDictionary<uint, HistoryFileResult> verified, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _results, verified.ToDictionary());
        return Task.CompletedTask;
    }
}
