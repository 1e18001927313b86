using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Reads one archive file for an <see cref="ArchiveVerifier"/> run and verifies it: opens it, counts its bytes,
/// gunzips it strictly when it is compressed, runs the file's verifier, and turns every failure into a problem
/// (the kind comes from <see cref="FailureClassifier"/>), so that no failure of one file ends or stalls the run.
/// </summary>
internal sealed partial class ArchiveFileChecker
{
    /// <summary>Tries of a file whose archive failed transiently.</summary>
    public const int Attempts = 3;

    private readonly IArchiveReader _archive;
    private readonly HistoryVerificationOptions _limits;
    private readonly ArchiveProblemCollector _problems;
    private readonly ILogger _logger;

    public ArchiveFileChecker(IArchiveReader archive, HistoryVerificationOptions limits, ArchiveProblemCollector problems, ILogger logger)
    {
        _archive = archive;
        _limits = limits;
        _problems = problems;
        _logger = logger;
    }

    /// <summary>
    /// The verifier's only retry loop: a transient archive failure is tried again, at once, up to
    /// <see cref="Attempts"/> times. Kept to this one method so that the archive pool's pipeline can replace it.
    /// </summary>
    public static async Task<T> WithRetriesAsync<T>(Func<CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken)
    {
        for (var tried = 1; ; tried++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (ArchiveTransientException) when (tried < Attempts)
            {
            }
        }
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
            var result = await WithRetriesAsync(ct => AttemptAsync(path, verify, compressed, ct), cancellationToken).ConfigureAwait(false);
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

    private async ValueTask<T> AttemptAsync<T>(string path, Func<Stream, CancellationToken, Task<T>> verify, bool compressed, CancellationToken cancellationToken)
    {
        long read = 0;
        var opened = false;
        try
        {
            var raw = await _archive.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
            opened = true;
            await using (raw.ConfigureAwait(false))
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
                    read = counting.BytesRead;
                }
            }
        }
        finally
        {
            if (opened)
            {
                _problems.FileRead(path, read);
            }
        }
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Path} could not be read or checked: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}
