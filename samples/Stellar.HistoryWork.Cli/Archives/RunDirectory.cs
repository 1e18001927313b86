namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>
/// The directory a run keeps its downloads in: <c>--work-dir DIR</c> when given (kept, so a rerun resumes), or a
/// private temporary directory of this run alone (mode 0700, removed when the run ends).
/// </summary>
internal sealed class RunDirectory : IDisposable
{
    private RunDirectory(string path, bool owned)
    {
        Path = path;
        Owned = owned;
    }

    public string Path { get; }

    /// <summary>True for the private temporary directory: removed on <see cref="Dispose"/>.</summary>
    public bool Owned { get; }

    public static RunDirectory Create(DirectoryInfo? given)
    {
        if (given is not null)
        {
            return new RunDirectory(given.FullName, owned: false);
        }

        // CreateTempSubdirectory makes a new, uniquely named directory readable by this user only (0700 on Unix).
        return new RunDirectory(Directory.CreateTempSubdirectory("stellar-history-").FullName, owned: true);
    }

    public void Dispose()
    {
        if (!Owned)
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover private temporary directory is harmless; the run's outcome matters more.
        }
    }
}
