namespace Stellar.HistoryWork;

/// <summary>An archive could not deliver a file. Names the archive and the archive-relative path.</summary>
public class ArchiveException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ArchiveException()
        : this("(unknown archive)", string.Empty, "archive failure")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ArchiveException(string message)
        : this("(unknown archive)", string.Empty, message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public ArchiveException(string message, Exception innerException)
        : this("(unknown archive)", string.Empty, message, innerException)
    {
    }

    /// <summary>Creates the exception for a named file and what was wrong with it; the message names both.</summary>
    public ArchiveException(string archiveName, string path, string detail, Exception? innerException = null)
        : base($"{archiveName}: {path}: {detail}", innerException)
    {
        ArchiveName = archiveName;
        Path = path;
        Detail = detail;
    }

    /// <summary>The archive's <see cref="IArchiveReader.Name"/>.</summary>
    public string ArchiveName { get; }

    /// <summary>The archive-relative path of the file.</summary>
    public string Path { get; }

    /// <summary>What went wrong, without archive and path.</summary>
    public string Detail { get; }
}

/// <summary>The archive (or, from a pool, every archive) has no such file (HTTP 404/410, no file on disk).</summary>
public sealed class ArchiveFileNotFoundException : ArchiveException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ArchiveFileNotFoundException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ArchiveFileNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public ArchiveFileNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a named file and what was wrong with it; the message names both.</summary>
    public ArchiveFileNotFoundException(string archiveName, string path, string detail, Exception? innerException = null)
        : base(archiveName, path, detail, innerException)
    {
    }
}

/// <summary>
/// A failure worth retrying: HTTP 5xx, 408 or 429, a connection failure or reset, a stall, or a
/// body shorter than its Content-Length. <see cref="RetryAfter"/> carries the server's hint.
/// </summary>
public sealed class ArchiveTransientException : ArchiveException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ArchiveTransientException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ArchiveTransientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public ArchiveTransientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a named file and what was wrong with it; the message names both.</summary>
    public ArchiveTransientException(string archiveName, string path, string detail, Exception? innerException = null, int? statusCode = null, TimeSpan? retryAfter = null)
        : base(archiveName, path, detail, innerException)
    {
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status, when the failure was one.</summary>
    public int? StatusCode { get; }

    /// <summary>How long the server asked us to wait (Retry-After of a 429 or 503), if it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
