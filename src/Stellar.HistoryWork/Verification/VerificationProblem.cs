using System.Globalization;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// One broken rule: the archive path of the file, the ledger it concerns (when one does), the kind and a
/// message that names the file, the ledger and the rule.
/// </summary>
public sealed record VerificationProblem(string Path, uint? Ledger, ProblemKind Kind, string Message)
{
    public override string ToString() =>
        Ledger is { } ledger
            ? string.Create(CultureInfo.InvariantCulture, $"{Kind.ToJsonName()}: {Path} (ledger {ledger}): {Message}")
            : string.Create(CultureInfo.InvariantCulture, $"{Kind.ToJsonName()}: {Path}: {Message}");
}
