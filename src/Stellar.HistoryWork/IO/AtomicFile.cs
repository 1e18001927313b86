using System.Security.Cryptography;

namespace Stellar.HistoryWork.IO;

/// <summary>
/// The one way this library puts a local file under its final name (docs/ARCHIVE-FORMAT.md §5): the content
/// is written to a hidden temporary name in the same directory (so the rename stays on one file system and is
/// atomic), flushed to disk, and renamed over the final name only when writing returned. Whatever fails or is
/// cancelled, the temporary file is deleted and the final name keeps what it had.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The suffix of every temporary file (hidden by a leading dot as well).</summary>
    public const string TemporarySuffix = ".partial";

    private const int BufferSize = 1 << 16;

    /// <summary>Writes <paramref name="final"/> through <paramref name="write"/>; returns what it returned.</summary>
    public static async Task<T> WriteAsync<T>(string final, Func<FileStream, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(final);
        ArgumentNullException.ThrowIfNull(write);
        var directory = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(final)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}{TemporarySuffix}");
        try
        {
            T result;
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                result = await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                // The data must be on disk before the rename makes it visible under its final name.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, final, overwrite: true);
            return result;
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>Writes <paramref name="final"/> through <paramref name="write"/>.</summary>
    public static Task WriteAsync(string final, Func<FileStream, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        WriteAsync(final, async (stream, ct) =>
        {
            await write(stream, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Deletes a file if it can: a leftover temporary name never shadows a final one.</summary>
    public static void TryDelete(string path)
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
