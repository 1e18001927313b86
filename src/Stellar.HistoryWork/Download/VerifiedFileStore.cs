using System.Security.Cryptography;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// A directory in archive layout that only ever holds verified files under their final names: a download
/// is written to a temporary name beside its destination while it is verified, and renamed into place
/// only after verification succeeded. A failed or cancelled download leaves nothing under a final name,
/// and what was verified before stays.
/// </summary>
public sealed class VerifiedFileStore
{
    private const string TemporarySuffix = ".partial";

    /// <summary>Creates a store rooted at <paramref name="root"/> (created when missing).</summary>
    public VerifiedFileStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    /// <summary>The root directory.</summary>
    public string Root { get; }

    /// <summary>The local path of an archive-relative path.</summary>
    public string LocalPath(string archivePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        var full = Path.GetFullPath(Path.Combine(Root, archivePath));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The archive path '{archivePath}' leaves the store's directory.", nameof(archivePath));
        }

        return full;
    }

    /// <summary>True when a verified file is stored under <paramref name="archivePath"/>.</summary>
    public bool Contains(string archivePath) => File.Exists(LocalPath(archivePath));

    /// <summary>
    /// Streams <paramref name="archivePath"/> from <paramref name="reader"/> through <paramref name="verify"/>
    /// (which reads the compressed bytes it is given to their end or throws) into a temporary file, and
    /// renames it to its final name only when verification returned.
    /// </summary>
    /// <returns>The verifier's result and the number of compressed bytes fetched.</returns>
    public async Task<(T Result, long Bytes)> FetchAsync<T>(
        IArchiveReader reader,
        string archivePath,
        Func<Stream, CancellationToken, Task<T>> verify,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(verify);
        var destination = LocalPath(archivePath);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var temporary = destination + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + TemporarySuffix;
        try
        {
            T result;
            long bytes;
            var source = await reader.OpenReadAsync(archivePath, cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    var tee = new CountingReadStream(source, file, leaveOpen: true);
                    try
                    {
                        result = await verify(tee, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (IsBadContent(e))
                    {
                        reader.ReportBadContent(source, e);
                        throw;
                    }

                    // Whatever the verifier did not need (trailing bytes) still belongs to the file.
                    await tee.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                    bytes = tee.BytesRead;
                    await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, destination, overwrite: true);
            return (result, bytes);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>Runs <paramref name="verify"/> over a stored file, e.g. to re-read headers on a rerun.</summary>
    public async Task<T> VerifyStoredAsync<T>(string archivePath, Func<Stream, CancellationToken, Task<T>> verify, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verify);
        var stream = new FileStream(LocalPath(archivePath), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return await verify(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes a stored file that turned out to be bad.</summary>
    public void Remove(string archivePath) => TryDelete(LocalPath(archivePath));

    private static bool IsBadContent(Exception e) =>
        e is HistoryVerificationException { IsTrustFailure: false } or Stellar.Xdr.XdrException or InvalidDataException;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
