namespace Stellar.HistoryWork;

/// <summary>
/// Read access to one history archive (or a pool of them). Paths are archive-relative, as built by
/// <see cref="ArchivePaths"/>.
/// </summary>
public interface IArchiveReader
{
    /// <summary>
    /// A short, stable name for logs and metric tags: low-cardinality, never a path (a local archive's
    /// directory name, an HTTP archive's host by default).
    /// </summary>
    string Name { get; }

    /// <summary>Where the archive is (a directory, a URL), for messages to an operator; <see cref="Name"/> unless a reader knows better.</summary>
    string Location => Name;

    /// <summary>
    /// Opens a file for streaming; the bytes are never buffered whole. Reading the stream can throw
    /// <see cref="ArchiveTransientException"/> (connection reset, stall, body shorter than announced):
    /// such a file must be opened again from the start.
    /// </summary>
    /// <exception cref="ArchiveFileNotFoundException">The archive has no such file.</exception>
    /// <exception cref="ArchiveTransientException">A failure worth retrying (5xx, 429, timeout, reset).</exception>
    /// <exception cref="ArchiveException">Any other failure of this archive (e.g. 403).</exception>
    ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Whether the archive has the file; failures other than "missing" throw as in <see cref="OpenReadAsync"/>.</summary>
    ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Tells the reader that a stream it opened delivered data that failed verification (bad gzip, wrong
    /// hash), so that a pool can prefer another archive when the file is fetched again. Optional.
    /// </summary>
    void ReportBadContent(Stream stream, Exception problem)
    {
    }
}
