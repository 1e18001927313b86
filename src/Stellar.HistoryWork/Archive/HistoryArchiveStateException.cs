namespace Stellar.HistoryWork;

/// <summary>The rules a HAS file can break.</summary>
public enum HistoryArchiveStateRule
{
    /// <summary>Not JSON, a missing field or a field of the wrong type.</summary>
    Malformed,

    /// <summary>Larger than any real HAS (a guard against hostile input).</summary>
    TooLarge,

    /// <summary><c>version</c> is neither 1 nor 2.</summary>
    UnknownVersion,

    /// <summary>A bucket list without exactly 11 levels.</summary>
    LevelCount,

    /// <summary>A hash that is not 64 lowercase hex digits.</summary>
    InvalidHash,

    /// <summary>Version 2 without <c>networkPassphrase</c>.</summary>
    MissingPassphrase,

    /// <summary><c>next.state</c> other than 0, 1 or 2, or a state without its fields.</summary>
    UnknownNextState,

    /// <summary><c>hotArchiveBuckets</c> in a version 1 file.</summary>
    UnexpectedHotArchive,

    /// <summary>The passphrase differs from the one the caller expects.</summary>
    PassphraseMismatch,

    /// <summary>A version 2 bucket-list hash needs <c>hotArchiveBuckets</c>, which the file lacks.</summary>
    MissingHotArchiveBuckets,

    /// <summary>
    /// A level's <c>next</c> is not what stellar-core's <c>containsValidBuckets</c> allows: level 0's must be clear;
    /// above it, once a non-empty bucket is seen, it must be clear when the level below's snap is of protocol 12 or
    /// later and resolved (state 1) before that.
    /// </summary>
    InvalidFuture,

    /// <summary>Bucket versions decrease from the oldest bucket (level 10's snap) to the newest (level 0's curr).</summary>
    IncompatibleBucketVersions,

    /// <summary>
    /// A bucket whose METAENTRY names one list (live or hot archive) appears in the other: a hot-archive bucket in
    /// <c>currentBuckets</c>, or a live one (or one without a METAENTRY) in <c>hotArchiveBuckets</c>.
    /// </summary>
    BucketInWrongList,
}

/// <summary>A HAS file broke a rule; <see cref="FileName"/> and <see cref="Rule"/> say which.</summary>
public sealed class HistoryArchiveStateException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public HistoryArchiveStateException()
        : this("(unknown)", HistoryArchiveStateRule.Malformed, "invalid history archive state")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public HistoryArchiveStateException(string message)
        : this("(unknown)", HistoryArchiveStateRule.Malformed, message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public HistoryArchiveStateException(string message, Exception innerException)
        : this("(unknown)", HistoryArchiveStateRule.Malformed, message, innerException)
    {
    }

    /// <summary>Creates the exception for a named file and what was wrong with it; the message names both.</summary>
    public HistoryArchiveStateException(string fileName, HistoryArchiveStateRule rule, string detail, Exception? innerException = null)
        : base($"{fileName}: history archive state breaks rule {rule}: {detail}", innerException)
    {
        FileName = fileName;
        Rule = rule;
        Detail = detail;
    }

    /// <summary>The file (archive path or local path) that broke the rule.</summary>
    public string FileName { get; }

    /// <summary>The rule the file broke.</summary>
    public HistoryArchiveStateRule Rule { get; }

    /// <summary>What exactly was wrong, without the file name.</summary>
    public string Detail { get; }
}
