namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>
/// The directory a run keeps its downloads in: <c>--work-dir DIR</c> when given (kept, so a rerun resumes), or the
/// library's private run directory (<see cref="PrivateWorkDirectory"/>: mode 0700, locked while the run lives, stale
/// ones swept). With a resume key, an interrupted run's directory (Ctrl-C, a kill) is kept and the rerun takes it over;
/// without one, or once <see cref="Complete"/> said the run finished, it is removed when the run ends.
/// </summary>
internal sealed class RunDirectory : IDisposable
{
    private readonly PrivateWorkDirectory? _private;

    private RunDirectory(string path, PrivateWorkDirectory? owned)
    {
        Path = path;
        _private = owned;
    }

    public string Path { get; }

    /// <summary>True for the private directory (not <c>--work-dir</c>).</summary>
    public bool Owned => _private is not null;

    /// <summary>True when an interrupted run's private directory was taken over: what it verified is checked and reused.</summary>
    public bool Resumed => _private?.Resumed ?? false;

    /// <param name="given"><c>--work-dir</c>, or null for a private directory.</param>
    /// <param name="resumeKey">What identifies the work (verb, source, target) so that its rerun resumes; null: nothing to resume.</param>
    public static RunDirectory Create(DirectoryInfo? given, string? resumeKey = null)
    {
        if (given is not null)
        {
            return new RunDirectory(given.FullName, null);
        }

        var owned = PrivateWorkDirectory.Create(resumeKey);
        return new RunDirectory(owned.Path, owned);
    }

    /// <summary>The run finished: nothing is left to resume.</summary>
    public void Complete() => _private?.Complete();

    public void Dispose() => _private?.Dispose();
}
