namespace Stellar.HistoryWork;

/// <summary>Reads an archive laid out in a local directory.</summary>
public sealed class LocalArchiveReader : IArchiveReader
{
    /// <param name="root">The archive's root directory (holding <c>.well-known</c>).</param>
    /// <param name="name">For logs and metrics; the full root path by default.</param>
    public LocalArchiveReader(string root, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Name = name ?? Root;
    }

    /// <summary>The full path of the archive's root directory.</summary>
    public string Root { get; }

    public string Name { get; }

    public ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var full = ArchivePathGuard.Resolve(Root, path);
        try
        {
            var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return ValueTask.FromResult<Stream>(new ArchiveBodyStream(file, null, file.Length, Timeout.InfiniteTimeSpan, TimeProvider.System, Name, path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Failed(new ArchiveFileNotFoundException(Name, path, "no such file", e));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(new ArchiveException(Name, path, e.Message, e));
        }
    }

    public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(File.Exists(ArchivePathGuard.Resolve(Root, path)));
    }

    public override string ToString() => Name;

    private ArchiveException Failed(ArchiveException error)
    {
        ArchiveTelemetry.Failed(Name, error);
        return error;
    }
}
