using System.Globalization;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace Stellar.HistoryWork.S3;

/// <summary>
/// The one place that turns what the SDK throws into the archive exception family: missing, transient (worth
/// retrying) or an access error (configuration). Reader and writer both map through it.
/// </summary>
internal sealed class S3Errors(string archiveName, S3ArchiveLocation location, string credentials)
{
    private int _succeeded;

    /// <summary>Whether any request to this archive has succeeded: after that a 403 on one key means "absent".</summary>
    public bool AnySucceeded => Volatile.Read(ref _succeeded) != 0;

    public void Succeeded() => Volatile.Write(ref _succeeded, 1);

    /// <summary>
    /// The archive exception for <paramref name="error"/>, or null when it is not a storage failure (a bug, or
    /// the caller's cancellation) and must propagate unchanged.
    /// </summary>
    /// <param name="error">What the SDK threw.</param>
    /// <param name="path">The archive-relative path of the request.</param>
    /// <param name="callerToken">The caller's token: its cancellation is not a failure.</param>
    /// <param name="write">A write: a 403 or 404 is then never "missing", but refused.</param>
    public ArchiveException? Map(Exception error, string path, CancellationToken callerToken, bool write = false)
    {
        var key = location.KeyOf(path);
        switch (error)
        {
            case ArchiveException archive:
                return archive;
            case OperationCanceledException when callerToken.IsCancellationRequested:
                return null;
            case AmazonServiceException service when service.StatusCode != 0:
                return FromService(service, path, key, write);
            case OperationCanceledException timeout:
                return new ArchiveTransientException(archiveName, path, "timed out: " + timeout.Message, timeout);
            case HttpRequestException or IOException or SocketException:
                return new ArchiveTransientException(archiveName, path, $"request failed: {error.Message}", error);
            case AmazonClientException client when IsNetwork(client):
                return new ArchiveTransientException(archiveName, path, $"request failed: {Innermost(client).Message}", error);
            case AmazonServiceException service:
                return new ArchiveTransientException(archiveName, path, $"request failed: {Innermost(service).Message}", error);
            default:
                return null;
        }
    }

    private ArchiveException FromService(AmazonServiceException error, string path, string key, bool write)
    {
        var status = (int)error.StatusCode;
        var code = error.ErrorCode ?? string.Empty;
        var detail = string.Create(CultureInfo.InvariantCulture, $"HTTP {status} {code}").TrimEnd();
        switch (code)
        {
            case "NoSuchBucket":
                return new S3ArchiveAccessException(archiveName, path, $"the bucket '{location.Bucket}' does not exist ({detail})", error);
            case "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" or "AuthorizationHeaderMalformed":
                return new S3ArchiveAccessException(archiveName, path, $"the credentials were refused: {credentials} ({detail}: {error.Message})", error);
            case "NoSuchKey" when !write:
                return new ArchiveFileNotFoundException(archiveName, path, detail, error);
            case "SlowDown" or "RequestTimeout" or "InternalError" or "ServiceUnavailable" or "RequestTimeTooSkewed":
                return new ArchiveTransientException(archiveName, path, detail, error, status);
        }

        return status switch
        {
            403 or 404 when write => new S3ArchiveAccessException(archiveName, path, $"writing s3://{location.Bucket}/{key} with {credentials} was refused ({detail}: {error.Message})", error),
            404 or 410 => new ArchiveFileNotFoundException(archiveName, path, detail, error),
            // Without s3:ListBucket S3 answers 403 for an absent key: once other keys of the archive read fine,
            // a 403 is this key missing; on the first request it means the archive cannot be read at all.
            403 when AnySucceeded => new ArchiveFileNotFoundException(archiveName, path, detail + " (taken as missing: other keys of this archive read fine; S3 answers 403 for absent keys to readers without s3:ListBucket)", error),
            403 => new S3ArchiveAccessException(archiveName, path, $"access denied to s3://{location.Bucket}/{key} with {credentials} ({detail})", error),
            408 or 429 or >= 500 => new ArchiveTransientException(archiveName, path, detail, error, status),
            _ => new ArchiveException(archiveName, path, $"{detail}: {error.Message}", error),
        };
    }

    private static bool IsNetwork(Exception error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    private static Exception Innermost(Exception error)
    {
        var e = error;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
