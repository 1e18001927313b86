using System.Globalization;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// One broken rule: the archive path of the file, the ledger it concerns (when one does), the kind and a
/// message that names the file, the ledger and the rule.
/// </summary>
public sealed record VerificationProblem(string Path, uint? Ledger, ProblemKind Kind, string Message)
{
    /// <summary>
    /// The problems behind a failure of the library (a failed work's error, a verifier's exception): one per
    /// failed file, each with the kind every entry point gives it — <see cref="ProblemKind.Missing"/> only for a
    /// file the archive says it lacks, <see cref="ProblemKind.Unreachable"/> for one it could not deliver or a
    /// run that could not finish, the rule's kind for bad content.
    /// </summary>
    /// <param name="error">The failure; an <see cref="AggregateException"/> gives one problem per inner failure.</param>
    /// <param name="path">The file to name when the failure does not name one (e.g. a work's name).</param>
    public static IReadOnlyList<VerificationProblem> FromException(Exception error, string path) =>
        FailureClassifier.ToProblems(error, path);

    /// <summary>
    /// The one problem of a run of checkpoints that lack every file (a hole in the archive stays one line).
    /// </summary>
    /// <param name="run">The checkpoints of the run.</param>
    public static VerificationProblem AbsentRun(CheckpointRange run)
    {
        var path = ArchivePaths.HistoryState(run.First);
        var what = run.Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"checkpoint {run.First} ({ArchiveProblemCollector.FilesPerCheckpoint} files) is missing entirely")
            : string.Create(CultureInfo.InvariantCulture, $"checkpoints {run.First}..{run.Last} ({run.Count} checkpoints, {(long)run.Count * ArchiveProblemCollector.FilesPerCheckpoint} files) are missing entirely");
        return new VerificationProblem(path, run.First, ProblemKind.Missing, $"{path}: {what} (rule: every file of the range exists)");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        Ledger is { } ledger
            ? string.Create(CultureInfo.InvariantCulture, $"{Kind.ToJsonName()}: {Path} (ledger {ledger}): {Message}")
            : string.Create(CultureInfo.InvariantCulture, $"{Kind.ToJsonName()}: {Path}: {Message}");
}
