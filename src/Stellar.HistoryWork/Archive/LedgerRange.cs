using System.Globalization;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork;

/// <summary>
/// An inclusive, non-empty range of ledgers, and the one place that says whether a trusted hash can anchor it:
/// every entry point (the builder, the verifier, the mirror, the command) rejects a trusted hash outside its
/// range with <see cref="TrustedHashOutsideMessage"/>.
/// </summary>
public readonly record struct LedgerRange
{
    /// <summary>Ledgers <paramref name="first"/>..<paramref name="last"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="first"/> is 0 or <paramref name="last"/> precedes it.</exception>
    public LedgerRange(uint first, uint last)
    {
        ArgumentOutOfRangeException.ThrowIfZero(first);
        if (last < first)
        {
            throw new ArgumentOutOfRangeException(nameof(last), last, string.Create(CultureInfo.InvariantCulture, $"The ledger range ends before it starts ({first})."));
        }

        First = first;
        Last = last;
    }

    /// <summary>The first ledger.</summary>
    public uint First { get; }

    /// <summary>The last ledger.</summary>
    public uint Last { get; }

    /// <summary>The ledgers a checkpoint range holds: from its first checkpoint's first ledger to its last checkpoint.</summary>
    public static LedgerRange Of(CheckpointRange range) => new(range.FirstLedger, range.Last);

    /// <summary>Whether <paramref name="ledger"/> lies in the range.</summary>
    public bool Contains(uint ledger) => ledger >= First && ledger <= Last;

    /// <summary>The checkpoints whose files hold the range.</summary>
    public CheckpointRange ToCheckpoints(CheckpointMath math)
    {
        ArgumentNullException.ThrowIfNull(math);
        return math.RangeCovering(First, Last);
    }

    /// <summary>
    /// Why <paramref name="trustedHash"/> cannot anchor this range (it names a ledger outside it), or null when it
    /// can or none is given. A trusted hash anchors the chain at and below its ledger, so any ledger of the range
    /// will do; one outside it would be silently ignored.
    /// </summary>
    public string? TrustedHashOutsideMessage(TrustedLedgerHash? trustedHash) =>
        trustedHash is null || Contains(trustedHash.Ledger)
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"the trusted hash is for ledger {trustedHash.Ledger}, outside the range {First}..{Last} (rule: a trusted hash anchors the chain at a ledger of the range)");

    /// <summary>Throws when <paramref name="trustedHash"/> names a ledger outside the range.</summary>
    /// <exception cref="ArgumentException">With <see cref="TrustedHashOutsideMessage"/>.</exception>
    public void RequireTrustedHashInside(TrustedLedgerHash? trustedHash, string? paramName = null)
    {
        if (TrustedHashOutsideMessage(trustedHash) is { } message)
        {
            throw new ArgumentException(message, paramName);
        }
    }

    /// <summary>"ledgers FIRST..LAST".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ledgers {First}..{Last}");
}
