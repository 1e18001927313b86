namespace Stellar.HistoryWork.Verification;

/// <summary>What kind of rule a history file broke (the <c>kind</c> of a report problem).</summary>
public enum ProblemKind
{
    /// <summary>The archive answered that a file it must have is absent — an HTTP 404/410, no file on disk (<c>missing</c>).</summary>
    Missing,

    /// <summary>Bad gzip, bad XDR, truncation, records out of place, a 0-byte file (<c>corrupt</c>).</summary>
    Corrupt,

    /// <summary>A hash computed from the content differs from the hash that names or commits to it (<c>hash-mismatch</c>).</summary>
    HashMismatch,

    /// <summary>Ledger headers do not link (<c>chain-break</c>).</summary>
    ChainBreak,

    /// <summary>A HAS's buckets do not hash to the checkpoint header's bucketListHash (<c>bucket-list-mismatch</c>).</summary>
    BucketListMismatch,

    /// <summary>A HAS names another network than the caller's (<c>passphrase-mismatch</c>).</summary>
    PassphraseMismatch,

    /// <summary>Our trusted hash disagrees with the archive's chain (<c>untrusted</c>).</summary>
    Untrusted,

    /// <summary>
    /// The archive could not deliver a file after every retry — connection refused, reset or timed out, a 5xx,
    /// a short body — so the run could not finish; retrying later may succeed. Never damage, never <c>missing</c>
    /// (<c>unreachable</c>).
    /// </summary>
    Unreachable,

    /// <summary>
    /// This machine failed at its own files — disk full, quota exceeded, read-only file system, permission denied —
    /// so the run could not finish; never the archive's doing (<c>local-error</c>).
    /// </summary>
    LocalError,
}

/// <summary>The report spellings of <see cref="ProblemKind"/>.</summary>
public static class ProblemKindNames
{
    /// <summary>The JSON spelling: <c>missing</c>, <c>corrupt</c>, <c>hash-mismatch</c>, …</summary>
    public static string ToJsonName(this ProblemKind kind) => kind switch
    {
        ProblemKind.Missing => "missing",
        ProblemKind.Corrupt => "corrupt",
        ProblemKind.HashMismatch => "hash-mismatch",
        ProblemKind.ChainBreak => "chain-break",
        ProblemKind.BucketListMismatch => "bucket-list-mismatch",
        ProblemKind.PassphraseMismatch => "passphrase-mismatch",
        ProblemKind.Untrusted => "untrusted",
        ProblemKind.Unreachable => "unreachable",
        ProblemKind.LocalError => "local-error",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown problem kind"),
    };

    /// <summary>Parses a JSON spelling; false for anything else.</summary>
    public static bool TryParse(string? name, out ProblemKind kind)
    {
        foreach (var candidate in Enum.GetValues<ProblemKind>())
        {
            if (string.Equals(candidate.ToJsonName(), name, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
