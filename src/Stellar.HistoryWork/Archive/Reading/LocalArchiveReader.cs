using System.Diagnostics.Metrics;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork;

/// <summary>
/// Reads an archive laid out in a local directory. A name whose size is 0 is served as an empty file without
/// being opened: a FIFO or a device planted in an archive reports 0 bytes, and opening it would block forever
/// (beyond the reach of cancellation) or never end; an empty regular file reads the same either way.
/// </summary>
public sealed class LocalArchiveReader : IArchiveReader
{
    private readonly HistoryWorkTelemetry.ArchiveInstruments _telemetry;

    /// <param name="root">The archive's root directory (holding <c>.well-known</c>).</param>
    /// <param name="name">For logs and metric tags; default: the root directory's own name (not its path).</param>
    /// <param name="meterFactory">Where the archive metrics go; the library's process-wide meter when null.</param>
    public LocalArchiveReader(string root, string? name = null, IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Name = name ?? ArchiveNames.ForDirectory(Root);
        _telemetry = HistoryWorkTelemetry.For(meterFactory).Archive;
    }

    /// <summary>The full path of the archive's root directory.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The full root path (<see cref="Root"/>).</summary>
    public string Location => Root;

    /// <inheritdoc />
    public ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var full = ArchivePathGuard.Resolve(Root, path);
        try
        {
            if (new FileInfo(full) is { Exists: true, Length: 0 })
            {
                return ValueTask.FromResult<Stream>(new ArchiveBodyStream(new MemoryStream([], writable: false), null, 0, Timeout.InfiniteTimeSpan, TimeProvider.System, Name, path, _telemetry));
            }

            var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return ValueTask.FromResult<Stream>(new ArchiveBodyStream(file, null, file.Length, Timeout.InfiniteTimeSpan, TimeProvider.System, Name, path, _telemetry));
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

    /// <inheritdoc />
    public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(File.Exists(ArchivePathGuard.Resolve(Root, path)));
    }

    /// <inheritdoc />
    public override string ToString() => Location;

    private ArchiveException Failed(ArchiveException error)
    {
        _telemetry.Failed(Name, error);
        return error;
    }
}
