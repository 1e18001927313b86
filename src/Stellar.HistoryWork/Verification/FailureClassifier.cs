using System.Globalization;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>What a failure to read or verify an archive file means for whoever hit it.</summary>
internal enum FailureClass
{
    /// <summary>A bug: not the archive's doing, and no report problem of its own.</summary>
    Local,

    /// <summary>
    /// This machine failed to write or read its own files — disk full, quota, read-only file system, permission
    /// denied (<see cref="ProblemKind.LocalError"/>): never the archive's doing, and retrying at once cannot help.
    /// </summary>
    LocalStorage,

    /// <summary>The archive could not be reached or kept failing (<see cref="ProblemKind.Unreachable"/>); later may work.</summary>
    Unreachable,

    /// <summary>The archive answered that it has no such file (<see cref="ProblemKind.Missing"/>).</summary>
    NotFound,

    /// <summary>The archive served bytes that break a rule; another archive may serve good ones.</summary>
    BadContent,

    /// <summary>Our trusted hash disagrees with a sound chain: fatal, retrying elsewhere cannot help.</summary>
    TrustFailure,
}

/// <summary>
/// The one place that turns an exception met while reading or verifying archive files into what it means:
/// whether it is worth retrying, whether the archive served bad bytes, and which <see cref="ProblemKind"/> a
/// report gives it. The verifier, the download and publish works, the mirror and the command all ask here,
/// so one failure gets one answer whatever the entry point (docs/ARCHIVE-FORMAT.md §9).
/// </summary>
internal static class FailureClassifier
{
    // Error numbers as .NET reports them in IOException.HResult: the raw errno on Unix (Linux values; macOS's
    // quota error differs and falls through to the generic rule), the Win32 code in the low 16 bits on Windows.
    private const int UnixFileTooLarge = 27;
    private const int UnixNoSpace = 28;
    private const int UnixReadOnly = 30;
    private const int UnixQuota = 122;
    private const int WindowsWriteProtect = 19;
    private const int WindowsHandleDiskFull = 39;
    private const int WindowsDiskFull = 112;

    /// <summary>What <paramref name="error"/> means; an aggregate takes the gravest of its parts.</summary>
    public static FailureClass Classify(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            HistoryVerificationException { IsTrustFailure: true } => FailureClass.TrustFailure,
            HistoryVerificationException { Kind: ProblemKind.Missing } => FailureClass.NotFound,
            HistoryVerificationException { Kind: ProblemKind.Unreachable } => FailureClass.Unreachable,
            HistoryVerificationException => FailureClass.BadContent,
            ArchiveFileNotFoundException => FailureClass.NotFound,
            ArchiveException => FailureClass.Unreachable,
            HistoryArchiveStateException or XdrException or InvalidDataException => FailureClass.BadContent,
            AggregateException aggregate => aggregate.InnerExceptions.Count == 0
                ? FailureClass.Local
                : aggregate.InnerExceptions.Max(Classify),
            _ when IsLocalStorageFailure(error) => FailureClass.LocalStorage,
            HttpRequestException or TimeoutException or IOException => FailureClass.Unreachable,
            _ => FailureClass.Local,
        };
    }

    /// <summary>
    /// Whether <paramref name="error"/> is this machine failing at its own files: the archive readers turn every
    /// failure of theirs into an <see cref="ArchiveException"/> (matched before this), so a bare
    /// <see cref="UnauthorizedAccessException"/>, or an <see cref="IOException"/> whose error number says the disk is
    /// full, over quota or read-only, came from writing or reading our own files (the store, a local target, a report).
    /// </summary>
    private static bool IsLocalStorageFailure(Exception error) => error switch
    {
        UnauthorizedAccessException or LocalPathEscapeException => true,
        IOException io when io is not ArchiveException => OperatingSystem.IsWindows()
            ? (io.HResult & 0xFFFF) is WindowsDiskFull or WindowsHandleDiskFull or WindowsWriteProtect
            : io.HResult is UnixNoSpace or UnixReadOnly or UnixQuota or UnixFileTooLarge,
        _ => false,
    };

    /// <summary>Whether the archive served bytes that break a rule (not: it was unreachable, or our trust disagrees).</summary>
    public static bool IsBadContent(Exception error) => Classify(error) == FailureClass.BadContent;

    /// <summary>Whether trying again (possibly on another archive) may help: everything the archive did, except a trust failure.</summary>
    public static bool IsRetryable(Exception error) =>
        Classify(error) is FailureClass.Unreachable or FailureClass.NotFound or FailureClass.BadContent;

    /// <summary>Whether the archive failed to deliver (absent, unreachable), as opposed to delivering something bad.</summary>
    public static bool IsDeliveryFailure(Exception error) =>
        Classify(error) is FailureClass.Unreachable or FailureClass.NotFound;

    /// <summary>
    /// The report problems behind <paramref name="error"/>: one per failed file (aggregates are opened).
    /// <paramref name="path"/> names the file when the exception does not; <paramref name="ledger"/> likewise.
    /// A failure of this machine's own files is <see cref="ProblemKind.LocalError"/>; any other failure that is not the
    /// archive's (a bug) is reported as <see cref="ProblemKind.Unreachable"/>: the run could not finish, which never
    /// passes for damage in the archive.
    /// </summary>
    public static IReadOnlyList<VerificationProblem> ToProblems(Exception error, string path, uint? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(path);
        var problems = new List<VerificationProblem>();
        Add(error, path, ledger, problems);
        return problems;
    }

    /// <summary>The single problem for a file whose read or verification failed with <paramref name="error"/>.</summary>
    public static VerificationProblem ToProblem(Exception error, string path, uint? ledger = null) => ToProblems(error, path, ledger) switch
    {
        [var one] => one,
        [] => new VerificationProblem(path, ledger, ProblemKind.Unreachable, Describe(path, error)),
        var several => several[0],
    };

    private static void Add(Exception error, string path, uint? ledger, List<VerificationProblem> problems)
    {
        switch (error)
        {
            case HistoryVerificationException verification:
                problems.Add(verification.Problem);
                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Add(inner, path, ledger, problems);
                }

                break;
            case ArchiveFileNotFoundException missing:
                problems.Add(new VerificationProblem(PathOf(missing, path), ledger, ProblemKind.Missing,
                    $"{PathOf(missing, path)}: the archive has no such file: {missing.Detail} (rule: every file of the range exists)"));
                break;
            case ArchiveException archive:
                problems.Add(new VerificationProblem(PathOf(archive, path), ledger, ProblemKind.Unreachable,
                    $"{PathOf(archive, path)}: could not be read: {archive.Message} (rule: every file of the range can be read)"));
                break;
            case HistoryArchiveStateException state:
                problems.Add(new VerificationProblem(
                    string.IsNullOrEmpty(state.FileName) ? path : state.FileName,
                    ledger,
                    state.Rule == HistoryArchiveStateRule.PassphraseMismatch ? ProblemKind.PassphraseMismatch : ProblemKind.Corrupt,
                    state.Message));
                break;
            case Exception when Classify(error) == FailureClass.LocalStorage:
                problems.Add(new VerificationProblem(path, ledger, ProblemKind.LocalError,
                    $"{path}: this machine failed at its own files: {error.Message} (rule: a local failure is never the archive's; free space, fix permissions or remove the link, and run again)"));
                break;
            case XdrException or InvalidDataException:
                problems.Add(new VerificationProblem(path, ledger, ProblemKind.Corrupt, $"{path}: {error.Message} (rule: a history file is well-formed gzip and XDR)"));
                break;
            default:
                problems.Add(new VerificationProblem(path, ledger, ProblemKind.Unreachable, Describe(path, error)));
                break;
        }
    }

    private static string PathOf(ArchiveException e, string fallback) => string.IsNullOrEmpty(e.Path) ? fallback : e.Path;

    private static string Describe(string path, Exception error) =>
        string.Create(CultureInfo.InvariantCulture, $"{path}: could not be read or checked: {error.GetType().Name}: {error.Message} (rule: every file of the range can be read)");
}
