namespace Stellar.HistoryWork;

/// <summary>
/// Write access to a history archive; custom backends implement this. Paths are archive-relative
/// (<see cref="ArchivePaths"/>). Writes should be atomic where the backend allows, so a crash never
/// leaves a truncated file under its final name; writing an existing path replaces it.
/// </summary>
public interface IArchiveWriter
{
    /// <summary>A short name for logs and metric tags (never a path); the type name unless the backend says otherwise.</summary>
    string Name => GetType().Name;

    /// <summary>
    /// Reads the archive back, when the backend can: publishing then compares what a target already holds with
    /// what it would write (so a resumed publish skips valid files and replaces damaged ones), and reads the
    /// target's <c>.well-known</c> so it never moves back to an older checkpoint. Null (the default): publishing
    /// can only compare sizes, and writes <c>.well-known</c> without looking.
    /// </summary>
    IArchiveReader? Reader => null;

    /// <summary>Writes <paramref name="data"/> as the file at the archive-relative <paramref name="path"/>, replacing any file there; readers never see a partial file.</summary>
    /// <exception cref="ArchiveException">The target refused or failed the write (transient failures as <see cref="ArchiveTransientException"/>).</exception>
    ValueTask PutBytesAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Writes the content of <paramref name="localFile"/> (streamed, never loaded whole) as the file at the archive-relative <paramref name="path"/>, replacing any file there; readers never see a partial file.</summary>
    /// <exception cref="ArchiveException">The target refused or failed the write (transient failures as <see cref="ArchiveTransientException"/>).</exception>
    ValueTask PutFileAsync(string path, string localFile, CancellationToken cancellationToken = default);

    /// <summary>The size in bytes of the file at <paramref name="path"/>, or null when there is none; lets publishing skip work.</summary>
    ValueTask<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Whether the archive already has <paramref name="path"/>.</summary>
    async ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
        await GetSizeAsync(path, cancellationToken).ConfigureAwait(false) is not null;
}
