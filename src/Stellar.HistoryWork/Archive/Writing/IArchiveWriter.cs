namespace Stellar.HistoryWork;

/// <summary>
/// Write access to a history archive; custom backends implement this. Paths are archive-relative
/// (<see cref="ArchivePaths"/>). Writes should be atomic where the backend allows, so a crash never
/// leaves a truncated file under its final name; writing an existing path replaces it.
/// </summary>
public interface IArchiveWriter
{
    ValueTask PutBytesAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    ValueTask PutFileAsync(string path, string localFile, CancellationToken cancellationToken = default);

    /// <summary>The size in bytes of the file at <paramref name="path"/>, or null when there is none; lets publishing skip work.</summary>
    ValueTask<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Whether the archive already has <paramref name="path"/>.</summary>
    async ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
        await GetSizeAsync(path, cancellationToken).ConfigureAwait(false) is not null;
}
