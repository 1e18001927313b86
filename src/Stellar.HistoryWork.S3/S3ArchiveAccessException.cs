namespace Stellar.HistoryWork.S3;

/// <summary>
/// Object storage refused the archive as a whole, not one file: the bucket does not exist, the credentials are
/// unknown or do not sign correctly, access is denied before any file read, or no credentials were found.
/// A configuration problem: retrying does not help.
/// </summary>
public sealed class S3ArchiveAccessException : ArchiveException
{
    /// <summary>An access error without details.</summary>
    public S3ArchiveAccessException()
    {
    }

    /// <summary>An access error described by <paramref name="message"/> (no archive or path known).</summary>
    public S3ArchiveAccessException(string message)
        : base(message)
    {
    }

    /// <summary>An access error described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public S3ArchiveAccessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="archiveName">The archive's name.</param>
    /// <param name="path">The archive-relative path being read or written.</param>
    /// <param name="detail">What was refused: bucket, key, credentials (never a secret).</param>
    /// <param name="innerException">The SDK's error.</param>
    public S3ArchiveAccessException(string archiveName, string path, string detail, Exception? innerException = null)
        : base(archiveName, path, detail, innerException)
    {
    }
}
