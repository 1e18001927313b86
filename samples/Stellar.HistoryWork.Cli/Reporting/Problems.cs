using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

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
    /// The problems behind a failed work, classified by the library (<see cref="VerificationProblem.FromException"/>)
    /// so that the command, the mirror and the library give one failure one kind. A work that ran out of retries
    /// without an error carries only its last reason: it could not finish, reported under its work name.
    /// </summary>
    public static IEnumerable<ReportProblem> From(WorkResult work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work.Error is { } error
            ? VerificationProblem.FromException(error, work.Name).Select(From)
            : [new ReportProblem(work.Name, null, ProblemKind.Unreachable.ToJsonName(), work.Reason ?? work.State.ToString())];
    }
}
