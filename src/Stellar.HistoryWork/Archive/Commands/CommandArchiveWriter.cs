using System.Security.Cryptography;

namespace Stellar.HistoryWork;

/// <summary>
/// Writes an archive by running its <c>mkdir</c> template for the file's directory (when there is one) and then its
/// <c>put</c> template (<c>{0}</c> the local file, <c>{1}</c> the archive-relative path), as the reference node's
/// <c>MakeRemoteDirWork</c> and <c>PutRemoteFileWork</c> do. Whether a put is atomic is up to the command. Made by
/// <see cref="CommandArchive"/>.
/// </summary>
public sealed class CommandArchiveWriter : IArchiveWriter
{
    private readonly CommandTemplate _put;
    private readonly CommandTemplate? _mkdir;
    private readonly CommandRunner _runner;
    private readonly string _temporary;
    private readonly CommandArchiveReader? _reader;

    internal CommandArchiveWriter(string name, CommandTemplate put, CommandTemplate? mkdir, CommandRunner runner, string temporary, CommandArchiveReader? reader)
    {
        Name = name;
        _put = put;
        _mkdir = mkdir;
        _runner = runner;
        _temporary = temporary;
        _reader = reader;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The archive's <c>get</c> side when it has one: publishing then compares and never moves <c>.well-known</c> back.</summary>
    public IArchiveReader? Reader => _reader;

    /// <summary>Writes the bytes to a temporary local file and puts it.</summary>
    /// <exception cref="ArchiveTransientException">A command failed or timed out.</exception>
    public async ValueTask PutBytesAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_temporary);
        var local = Path.Combine(_temporary, $".stellar-history-put-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            await File.WriteAllBytesAsync(local, data, cancellationToken).ConfigureAwait(false);
            await PutFileAsync(path, local, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(local);
        }
    }

    /// <summary>Runs <c>mkdir</c> for the path's directory, then <c>put</c>.</summary>
    /// <exception cref="ArchiveTransientException">A command failed or timed out.</exception>
    public async ValueTask PutFileAsync(string path, string localFile, CancellationToken cancellationToken = default)
    {
        ArchivePathGuard.Validate(path);
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        var slash = path.LastIndexOf('/');
        if (_mkdir is not null && slash > 0)
        {
            await _runner.RunAsync(_mkdir.Format(path[..slash]), Name, path, cancellationToken).ConfigureAwait(false);
        }

        await _runner.RunAsync(_put.Format(Path.GetFullPath(localFile), path), Name, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The size of the file as <c>get</c> fetches it; null when <c>get</c> fails (a command cannot tell "absent" from
    /// "unreachable", and for a writer the cost of guessing "absent" is only a put of a file the archive had) or when
    /// the archive has no <c>get</c>.
    /// </summary>
    public async ValueTask<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default)
    {
        if (_reader is null)
        {
            return null;
        }

        string local;
        try
        {
            local = await _reader.FetchAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (ArchiveException)
        {
            return null;
        }

        try
        {
            return new FileInfo(local).Length;
        }
        finally
        {
            File.Delete(local);
        }
    }

    /// <inheritdoc />
    public override string ToString() => "put=" + _put.Text;
}
