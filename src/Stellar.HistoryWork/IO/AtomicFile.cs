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

    private static readonly System.Buffers.SearchValues<char> LowerHexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>Writes <paramref name="final"/> through <paramref name="write"/>; returns what it returned.</summary>
    public static async Task<T> WriteAsync<T>(string final, Func<FileStream, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(final);
        ArgumentNullException.ThrowIfNull(write);
        var directory = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(directory);
        SweepStale(directory, recursive: false, TimeProvider.System);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(final)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}{TemporarySuffix}");
        try
        {
            T result;

            // FileShare.None holds an exclusive lock (flock on Unix) on the temporary file while it is written: a sweep
            // (SweepStale) leaves a locked one alone, so a concurrent run's live file is never taken for a leftover.
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                result = await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                // The data must be on disk before the rename makes it visible under its final name.
                stream.Flush(flushToDisk: true);
                if (!OperatingSystem.IsWindows())
                {
                    // Renamed while still locked, so no sweep sees it unlocked under its temporary name.
                    File.Move(temporary, final, overwrite: true);
                }
            }

            if (OperatingSystem.IsWindows())
            {
                File.Move(temporary, final, overwrite: true);
            }

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

    /// <summary>
    /// How old an unlocked temporary file must be to be swept: it covers the instant between a writer creating its file
    /// and locking it. A killed run's files are older than that by the time anyone looks. Ages are measured against
    /// file modification times, which the operating system stamps from the system clock, so sweeps compare them with
    /// <see cref="TimeProvider.System"/>.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Deletes the temporary files a killed or crashed run left in <paramref name="directory"/> (and below it when
    /// <paramref name="recursive"/>): names this library gives temporary files (<see cref="IsTemporaryName"/>), not
    /// locked by a live writer (another process's or ours), and older than <see cref="StaleAfter"/>. Nothing else is
    /// touched; a missing or unreadable directory is left alone.
    /// </summary>
    /// <returns>How many were deleted.</returns>
    public static int SweepStale(string directory, bool recursive, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var swept = 0;
        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = recursive, AttributesToSkip = 0, IgnoreInaccessible = true });
            foreach (var file in files)
            {
                if (IsTemporaryName(Path.GetFileName(file)) && TryDeleteStale(file, timeProvider))
                {
                    swept++;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory vanished or cannot be read: nothing to sweep here.
        }

        return swept;
    }

    /// <summary>
    /// Whether <paramref name="fileName"/> is a temporary name this library writes: <c>.NAME.HEX.partial</c>, a file
    /// waiting to be bound (<c>.NAME.unbound</c>), and the names older versions used (<c>NAME.HEX.partial</c>,
    /// <c>.NAME.GUID.tmp</c>).
    /// </summary>
    public static bool IsTemporaryName(string fileName) =>
        HasHexTail(fileName, TemporarySuffix, 12)
        || (fileName.StartsWith('.') && (HasHexTail(fileName, ".tmp", 32) || fileName.EndsWith(".unbound", StringComparison.Ordinal)));

    private static bool HasHexTail(string name, string suffix, int digits)
    {
        if (!name.EndsWith(suffix, StringComparison.Ordinal) || name.Length < suffix.Length + digits + 3)
        {
            return false;
        }

        var dot = name.Length - suffix.Length - digits - 1;
        return name[dot] == '.' && !name.AsSpan(dot + 1, digits).ContainsAnyExcept(LowerHexDigits);
    }

    private static bool TryDeleteStale(string file, TimeProvider timeProvider)
    {
        try
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is not null || timeProvider.GetUtcNow() - info.LastWriteTimeUtc < StaleAfter)
            {
                return false;
            }

            // Opening it exclusively fails while a writer holds it; DeleteOnClose removes it as the claim ends.
            using var claimed = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // live, or already gone
        }
    }

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
