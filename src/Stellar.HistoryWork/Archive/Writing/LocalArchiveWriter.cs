using Stellar.HistoryWork.IO;

namespace Stellar.HistoryWork;

/// <summary>
/// Writes an archive into a local directory. Each file is written to a temporary name in its final
/// directory, flushed to disk, then renamed over the final name, so readers and crashes only ever see
/// a whole file. Re-running a write replaces the file; paths cannot escape the root, neither by name nor through
/// a symbolic link planted in the tree (<see cref="ArchivePathGuard.ResolveConfined"/>).
/// </summary>
public sealed class LocalArchiveWriter : IArchiveWriter
{
    private const int BufferSize = 128 * 1024;

    /// <param name="root">The archive's root directory; created when missing.</param>
    /// <param name="name">For logs and metric tags; default: the root directory's own name (not its path).</param>
    public LocalArchiveWriter(string root, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Name = name ?? ArchiveNames.ForDirectory(Root);
        Reader = new LocalArchiveReader(Root, Name);
    }

    /// <summary>The full path of the archive's root directory.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Reads back what this writer wrote (same root).</summary>
    public IArchiveReader Reader { get; }

    /// <inheritdoc />
    public async ValueTask PutBytesAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var final = ArchivePathGuard.ResolveConfined(Root, path);
        await AtomicFile.WriteAsync(final, (stream, ct) => stream.WriteAsync(data, ct).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask PutFileAsync(string path, string localFile, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        var final = ArchivePathGuard.ResolveConfined(Root, path);
        var source = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (source.ConfigureAwait(false))
        {
            await AtomicFile.WriteAsync(final, (stream, ct) => source.CopyToAsync(stream, BufferSize, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The size in bytes of the file at the archive-relative <paramref name="path"/>, or null when there is none.</summary>
    public ValueTask<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var info = new FileInfo(ArchivePathGuard.ResolveConfined(Root, path));
        return ValueTask.FromResult(info.Exists ? info.Length : (long?)null);
    }

    /// <inheritdoc />
    public override string ToString() => Root;
}
