using System.Globalization;

namespace Stellar.HistoryWork.Cli.Reporting;

/// <summary>The "trust" line of every verb's summary, from what the library anchored (<c>TrustedUpTo</c>).</summary>
internal static class TrustDescription
{
    public static string Describe(uint? trustedUpTo, uint? toLedger, bool ok)
    {
        if (trustedUpTo is { } upTo && toLedger is { } to)
        {
            return upTo >= to
                ? string.Create(CultureInfo.InvariantCulture, $"trusted: the chain ends at a hash you gave, anchoring every ledger up to {to}")
                : string.Create(CultureInfo.InvariantCulture, $"trusted up to ledger {upTo}: the chain at and below it ends at a hash you gave; ledgers {upTo + 1}..{to} are not anchored (give a trusted hash of ledger {to} to anchor them)");
        }

        return ok
            ? "UNTRUSTED: internally consistent, but no trusted hash vouches for it (give --trusted-hash or --trusted-checkpoint-hashes)"
            : "not established";
    }
}
