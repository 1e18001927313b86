using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>Limits and buffer sizes shared by every verifier. Defaults suit real archives.</summary>
public sealed class HistoryVerificationOptions
{
    // Before Default: static fields are initialized in the order they are written.
    private static readonly XdrDecodeBudget SharedDecodeBudget = new(DefaultDecodeBudgetBytes);

    /// <summary>The defaults.</summary>
    public static HistoryVerificationOptions Default { get; } = new();

    /// <summary>
    /// Largest decompressed bucket accepted, so a gzip bomb stops early. Default 100 GiB, the limit
    /// stellar-core enforces.
    /// </summary>
    public long MaxBucketDecompressedBytes { get; init; } = 100L * 1024 * 1024 * 1024;

    /// <summary>
    /// Largest record accepted in a ledger/transactions/results/SCP file, checked from its record mark
    /// before any buffer grows. Default 64 MiB (real records are at most a few MiB).
    /// </summary>
    public int MaxRecordLength { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Largest decompressed ledger/transactions/results/SCP file accepted, so a gzip bomb of valid records
    /// stops early. Default 4 GiB (real files are at most a few MiB).
    /// </summary>
    public long MaxCheckpointFileDecompressedBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// Memory that record decodes running at once share: a record's buffer and the objects it decodes into, across
    /// every file being verified or downloaded. A decode waits for its share rather than exceed it, and a record whose
    /// objects would outgrow its share is <see cref="ProblemKind.Corrupt"/> (rule: decode budget). Default: one budget
    /// of <see cref="DefaultDecodeBudgetBytes"/> shared by every options object of the process that does not name
    /// another, so concurrent runs in one process share it too.
    /// </summary>
    public XdrDecodeBudget DecodeBudget { get; init; } = SharedDecodeBudget;

    /// <summary>
    /// The default <see cref="DecodeBudget"/>'s capacity: 64 MiB, so a record at the largest legal size (16 MiB) may
    /// decode into up to 48 MiB of objects, alone.
    /// </summary>
    public const long DefaultDecodeBudgetBytes = 64L * 1024 * 1024;

    /// <summary>Size of each read buffer while hashing buckets. Default 1 MiB.</summary>
    public int BucketBufferSize { get; init; } = 1024 * 1024;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBucketDecompressedBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRecordLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxCheckpointFileDecompressedBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(BucketBufferSize, 4096);
        ArgumentNullException.ThrowIfNull(DecodeBudget);
    }
}
