using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Cli.Reporting;

/// <summary>Turns what the library reports (verification problems, failed works) into report problems.</summary>
internal static class Problems
{
    public static ReportProblem From(VerificationProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new ReportProblem(problem.Path, problem.Ledger, problem.Kind.ToJsonName(), problem.Message);
    }

    /// <summary>
    /// The problem behind a failed work. The library's typed exceptions say which rule broke; a work that
    /// ran out of retries may carry only its last reason, reported as its work name with that reason.
    /// </summary>
    public static IEnumerable<ReportProblem> From(WorkResult work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (work.Error is AggregateException { InnerExceptions.Count: > 0 } several)
        {
            // A work that failed on several files reports each of them.
            return several.InnerExceptions.Select(e => FromError(work, e));
        }

        return [FromError(work, work.Error)];
    }

    private static ReportProblem FromError(WorkResult work, Exception? error) =>
        error switch
        {
            HistoryVerificationException e => From(e.Problem),
            ArchiveException e => new ReportProblem(e.Path, null, ProblemKind.Missing.ToJsonName(), e.Detail),
            HistoryArchiveStateException e => new ReportProblem(
                e.FileName,
                null,
                (e.Rule == HistoryArchiveStateRule.PassphraseMismatch ? ProblemKind.PassphraseMismatch : ProblemKind.Corrupt).ToJsonName(),
                $"breaks rule {e.Rule}: {e.Detail}"),
            XdrException e => new ReportProblem(work.Name, null, ProblemKind.Corrupt.ToJsonName(), e.Message),
            _ => new ReportProblem(work.Name, null, ProblemKind.Corrupt.ToJsonName(), work.Reason ?? work.State.ToString()),
        };
}
