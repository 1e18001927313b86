using System.Security.Cryptography;
using System.Text;

namespace Stellar.HistoryWork;

/// <summary>
/// A run's own directory for downloads under the system's temporary folder: new, readable by this user only (mode
/// 0700 on Unix), and held by a lock file for as long as the run lives (an exclusive lock the operating system drops
/// when the process ends, however it ends). Creating one sweeps the directories of runs that ended without cleaning
/// up (killed, crashed) — never one whose lock is held, so concurrent runs are safe — and, given a
/// <c>resumeKey</c>, takes over an interrupted run's directory with the same key instead of starting empty, so what
/// that run verified is not downloaded again.
/// </summary>
public sealed class PrivateWorkDirectory : IDisposable
{
    /// <summary>How long an interrupted run's directory with a resume key waits for its rerun before it is swept.</summary>
    public static readonly TimeSpan KeptForResume = TimeSpan.FromDays(7);

    internal const string Prefix = "stellar-history-run-";
    internal const string LockFileName = ".stellar-history-run.lock";

    private static readonly Lazy<PrivateWorkDirectory> ProcessDirectory = new(() => Create(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly FileStream _lock;
    private readonly string? _key;
    private bool _completed;
    private bool _disposed;

    private PrivateWorkDirectory(string path, FileStream lockFile, string? key, bool resumed)
    {
        Path = path;
        _lock = lockFile;
        _key = key;
        Resumable = key is not null;
        Resumed = resumed;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>True when it was created with a resume key: kept when the run ends without <see cref="Complete"/>.</summary>
    public bool Resumable { get; }

    /// <summary>True when it is an interrupted run's directory taken over (same resume key), with what that run kept.</summary>
    public bool Resumed { get; }

    /// <summary>
    /// The directory of this process (created on first use, locked until the process ends, never deleted by it): the
    /// default <see cref="HistoryWorkOptions.WorkDirectory"/>. A later run sweeps it once this process is gone.
    /// </summary>
    public static PrivateWorkDirectory ForThisProcess => ProcessDirectory.Value;

    /// <summary>Creates (or, with a matching <paramref name="resumeKey"/>, resumes) a run directory; sweeps stale ones.</summary>
    /// <param name="resumeKey">
    /// What identifies the work, e.g. the verb, source and target of a mirror; null for a directory nobody resumes
    /// (deleted when disposed). Kept only as a hash.
    /// </param>
    /// <param name="timeProvider">For the age of interrupted directories; default: the system clock.</param>
    public static PrivateWorkDirectory Create(string? resumeKey = null, TimeProvider? timeProvider = null) =>
        Create(System.IO.Path.GetTempPath(), resumeKey, timeProvider ?? TimeProvider.System);

    /// <summary>In <paramref name="parent"/> rather than the temporary folder (tests).</summary>
    internal static PrivateWorkDirectory Create(string parent, string? resumeKey, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var key = resumeKey is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(resumeKey)));
        var adopted = SweepStale(parent, key, timeProvider);
        if (adopted is { } found)
        {
            WriteKey(found.Lock, key);
            return new PrivateWorkDirectory(found.Path, found.Lock, key, resumed: true);
        }

        // Like CreateTempSubdirectory: a new, uniquely named directory this user alone may enter (0700 on Unix).
        var path = CreateUnique(parent);
        var lockFile = new FileStream(System.IO.Path.Combine(path, LockFileName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        WriteKey(lockFile, key);
        return new PrivateWorkDirectory(path, lockFile, key, resumed: false);
    }

    /// <summary>Says the run finished: nothing is left to resume, so <see cref="Dispose"/> deletes the directory.</summary>
    public void Complete() => _completed = true;

    /// <summary>
    /// Ends the run's hold: deletes the directory when it has no resume key or <see cref="Complete"/> was called;
    /// otherwise keeps it, with everything verified in it, for the rerun (the lock is released either way).
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var delete = _completed || !Resumable;
        try
        {
            // Dropping the key first: a run that claims the directory between the release and the deletion sweeps it
            // rather than resuming from it; a kept one is stamped with its last use.
            WriteKey(_lock, delete ? null : _key);
        }
        catch (IOException)
        {
        }

        _lock.Dispose();
        if (delete)
        {
            TryDeleteTree(Path);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Path;

    /// <summary>
    /// Deletes the stale run directories in <paramref name="parent"/> (their lock is free: the run is gone) and returns
    /// the first stale one with <paramref name="key"/>, still locked, to be taken over. A stale directory with another
    /// key is kept for its own rerun until <see cref="KeptForResume"/> passed. Only directories that look like ours are
    /// touched: the prefix, a real directory (not a link), mode 0700, our lock file in it.
    /// </summary>
    private static (string Path, FileStream Lock)? SweepStale(string parent, string? key, TimeProvider timeProvider)
    {
        (string Path, FileStream Lock)? adopted = null;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(parent, Prefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        foreach (var directory in candidates)
        {
            if (TryClaim(directory) is not { } claimed)
            {
                continue;
            }

            var (lockFile, storedKey, lastUsed) = claimed;
            if (adopted is null && key is not null && storedKey == key)
            {
                adopted = (directory, lockFile);
                continue;
            }

            if (storedKey is null || timeProvider.GetUtcNow() - lastUsed > KeptForResume)
            {
                TryDeleteTree(directory);
            }

            lockFile.Dispose();
        }

        return adopted;
    }

    /// <summary>The lock of a directory no live run holds, with its key and last use; null when live or not ours.</summary>
    private static (FileStream Lock, string? Key, DateTimeOffset LastUsed)? TryClaim(string directory)
    {
        try
        {
            var info = new DirectoryInfo(directory);
            if (info.LinkTarget is not null || (!OperatingSystem.IsWindows() && info.UnixFileMode != (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)))
            {
                return null;
            }

            var lockPath = System.IO.Path.Combine(directory, LockFileName);
            if (new FileInfo(lockPath).LinkTarget is not null)
            {
                return null;
            }

            // FileShare.None takes an exclusive lock (flock on Unix): it fails while the directory's run lives.
            var lockFile = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            try
            {
                using var reader = new StreamReader(lockFile, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 256, leaveOpen: true);
                var stored = reader.ReadLine();
                return (lockFile, string.IsNullOrEmpty(stored) ? null : stored, File.GetLastWriteTimeUtc(lockPath));
            }
            catch
            {
                lockFile.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // live (locked), vanished, or not ours
        }
    }

    private static string CreateUnique(string parent)
    {
        if (System.IO.Path.GetFullPath(parent) == System.IO.Path.GetFullPath(System.IO.Path.GetTempPath()))
        {
            return Directory.CreateTempSubdirectory(Prefix).FullName;
        }

        var path = System.IO.Path.Combine(parent, Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    /// <summary>Records the key (a hash) in the lock file; writing it also stamps the directory's last use.</summary>
    private static void WriteKey(FileStream lockFile, string? key)
    {
        lockFile.SetLength(0);
        lockFile.Write(Encoding.UTF8.GetBytes((key ?? string.Empty) + "\n"));
        lockFile.Flush(flushToDisk: true);
    }

    private static void TryDeleteTree(string path)
    {
        try
        {
            // Links inside are removed, never followed.
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover is swept by a later run.
        }
    }
}
