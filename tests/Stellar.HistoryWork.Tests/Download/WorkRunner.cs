using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;

namespace Stellar.HistoryWork.Tests.Download;

/// <summary>Runs single works through a real scheduler (so retries and outcomes are the scheduler's), and copies parts of archives to damage.</summary>
internal static class WorkRunner
{
    public static async Task<WorkResult> RunAsync(IWork work, int maxRetries = WorkRetries.Once)
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = _ => TimeSpan.Zero });
        var id = scheduler.Add(work, maxRetries: maxRetries);
        var result = await scheduler.RunToCompletionAsync();
        return result[id];
    }

    /// <summary>A temporary archive holding copies of <paramref name="folders"/> (e.g. "scp") of <paramref name="source"/>.</summary>
    public static TempDirectory CopyFolders(string source, params string[] folders)
    {
        var copy = new TempDirectory();
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(source, folder), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(copy.Path, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        return copy;
    }

    public static string Local(string root, string archivePath) => Path.Combine(root, archivePath.Replace('/', Path.DirectorySeparatorChar));
}
