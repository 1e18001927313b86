namespace Stellar.HistoryWork.Verification;

/// <summary>
/// A history file broke a verification rule. <see cref="IsTrustFailure"/> tells the two outcomes apart:
/// false means this archive is bad (another archive may serve a good copy); true means the hash we trust
/// disagrees with a chain that is otherwise sound, so retrying elsewhere cannot help.
/// </summary>
public sealed class HistoryVerificationException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public HistoryVerificationException()
        : this(new VerificationProblem("", null, ProblemKind.Corrupt, "verification failed"))
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public HistoryVerificationException(string message)
        : this(new VerificationProblem("", null, ProblemKind.Corrupt, message))
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public HistoryVerificationException(string message, Exception innerException)
        : this(new VerificationProblem("", null, ProblemKind.Corrupt, message), innerException)
    {
    }

    /// <summary>Creates the exception for a named file and what was wrong with it; the message names both.</summary>
    public HistoryVerificationException(VerificationProblem problem, Exception? innerException = null)
        : base((problem ?? throw new ArgumentNullException(nameof(problem))).ToString(), innerException)
    {
        Problem = problem;
    }

    /// <summary>The broken rule, with the file path and ledger.</summary>
    public VerificationProblem Problem { get; }

    /// <summary>Shortcut for <c>Problem.Kind</c>.</summary>
    public ProblemKind Kind => Problem.Kind;

    /// <summary>True when our trusted hash disagrees (fatal: stop retrying); false when the archive is bad.</summary>
    public bool IsTrustFailure => Problem.Kind == ProblemKind.Untrusted;

    internal static HistoryVerificationException Create(string path, uint? ledger, ProblemKind kind, string message, Exception? inner = null) =>
        new(new VerificationProblem(path, ledger, kind, message), inner);
}
