using System.Security.Cryptography;

namespace Stellar.HistoryWork;

/// <summary>
/// Reads an archive by running its <c>get</c> template (<c>{0}</c> the archive-relative path, <c>{1}</c> a local file
/// that does not exist yet), as the reference node's <c>GetRemoteFileWork</c> does, then streams the file it wrote,
/// which is deleted when the stream is closed. Made by <see cref="CommandArchive"/>.
/// </summary>
public sealed class CommandArchiveReader : IArchiveReader
{
    private readonly CommandTemplate _get;
    private readonly CommandRunner _runner;
    private readonly string _temporary;

    internal CommandArchiveReader(string name, CommandTemplate get, CommandRunner runner, string temporary)
    {
        Name = name;
        _get = get;
        _runner = runner;
        _temporary = temporary;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The get template, for messages.</summary>
    public string Location => "get=" + _get.Text;

    /// <summary>Runs <c>get</c> and opens what it wrote.</summary>
    /// <exception cref="ArchiveTransientException">The command failed or timed out (its exit code and standard error in the message).</exception>
    /// <exception cref="ArchiveException">The command could not be started.</exception>
    public async ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var local = await FetchAsync(path, cancellationToken).ConfigureAwait(false);
        return new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan | FileOptions.DeleteOnClose);
    }

    /// <summary>
    /// Runs <c>get</c>: true when it succeeds. A command cannot say "no such file", so a failure throws as in
    /// <see cref="OpenReadAsync"/> rather than answering false.
    /// </summary>
    public async ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        var local = await FetchAsync(path, cancellationToken).ConfigureAwait(false);
        File.Delete(local);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Location;

    /// <summary>Runs <c>get</c> into a fresh local file; returns its path (the caller owns the file).</summary>
    internal async Task<string> FetchAsync(string path, CancellationToken cancellationToken)
    {
        ArchivePathGuard.Validate(path);
        Directory.CreateDirectory(_temporary);
        var local = Path.Combine(_temporary, $".stellar-history-get-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            await _runner.RunAsync(_get.Format(path, local), Name, path, cancellationToken).ConfigureAwait(false);
            if (!File.Exists(local))
            {
                throw new ArchiveTransientException(Name, path, $"`{string.Join(' ', _get.Format(path, local))}` exited 0 but wrote no file");
            }

            return local;
        }
        catch
        {
            File.Delete(local);
            throw;
        }
    }
}
