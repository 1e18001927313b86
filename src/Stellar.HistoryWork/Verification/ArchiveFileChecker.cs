using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Reads one archive file for an <see cref="ArchiveVerifier"/> run and verifies it: opens it, counts its bytes,
/// gunzips it strictly when it is compressed, runs the file's verifier, and turns every failure into a problem
/// (the kind comes from <see cref="FailureClassifier"/>), so that no failure of one file ends or stalls the run.
/// </summary>
internal sealed partial class ArchiveFileChecker
{
    private readonly ArchivePool _archive;
    private readonly HistoryVerificationOptions _limits;
    private readonly ArchiveProblemCollector _problems;
    private readonly ILogger _logger;

    /// <param name="archive">Read through the pool's retries; a reader that is not a pool becomes a pool of one.</param>
    /// <param name="limits">The verifiers' limits.</param>
    /// <param name="problems">Where problems and counts go.</param>
    /// <param name="logger">Where unreadable files are logged.</param>
    public ArchiveFileChecker(IArchiveReader archive, HistoryVerificationOptions limits, ArchiveProblemCollector problems, ILogger logger)
    {
        _archive = ArchivePool.For(archive);
        _limits = limits;
        _problems = problems;
        _logger = logger;
    }

    /// <summary>Opens, verifies and counts one file; every failure becomes a problem and null.</summary>
    /// <param name="path">The archive path.</param>
    /// <param name="ledger">The ledger a problem names (the checkpoint), or null.</param>
    /// <param name="verify">Reads the decompressed (or, for a HAS or bucket, the raw) stream to its end.</param>
    /// <param name="cancellationToken">Stops the read; cancellation is the only exception that leaves.</param>
    /// <param name="compressed">Whether the file is a gzipped checkpoint file.</param>
    /// <param name="onMissing">Called instead of reporting a missing file, when the caller decides about it.</param>
    /// <param name="missingDetail">Added to the message of a missing file.</param>
    public async Task<T?> VerifyAsync<T>(
        string path,
        uint? ledger,
        Func<Stream, CancellationToken, Task<T>> verify,
        CancellationToken cancellationToken,
        bool compressed = true,
        Action? onMissing = null,
        string? missingDetail = null)
        where T : class
    {
        try
        {
            // Retries are the pool's: a transient failure, opening or mid-file, reads the file again from its
            // start (preferring another archive of a pool), with backoff, up to the pool's attempts.
            var result = await _archive.ReadAsync(path, (raw, ct) => CheckAsync(raw, path, verify, compressed, ct), cancellationToken).ConfigureAwait(false);
            _problems.FileVerified(path);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ArchiveFileNotFoundException)
        {
            if (onMissing is not null)
            {
                onMissing();
            }
            else
            {
                _problems.Missing(path, ledger, missingDetail);
            }

            return null;
        }
        catch (Exception e)
        {
            var kind = FailureClassifier.Classify(e);
            if (kind is FailureClass.Unreachable or FailureClass.Local)
            {
                _problems.FileFailed(path);
                LogUnreadable(_logger, path, e.Message);
            }

            _problems.Add(FailureClassifier.ToProblem(e, path, ledger));
            return null;
        }
        finally
        {
            _problems.ReportProgress();
        }
    }

    private async ValueTask<T> CheckAsync<T>(Stream raw, string path, Func<Stream, CancellationToken, Task<T>> verify, bool compressed, CancellationToken cancellationToken)
    {
        var counting = new CountingReadStream(raw, null, leaveOpen: true);
        try
        {
            return compressed
                ? await HistoryGzip.VerifyDecompressedAsync(counting, path, _limits.MaxCheckpointFileDecompressedBytes, verify, cancellationToken).ConfigureAwait(false)
                : await verify(counting, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _problems.FileRead(path, counting.BytesRead);
        }
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Path} could not be read or checked: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}
