namespace Stellar.Xdr;

/// <summary>Limits for <see cref="XdrRecordReader"/>.</summary>
public sealed class XdrRecordReaderOptions
{
    /// <summary>The defaults: records up to 64 MiB, default decoder limits.</summary>
    public static XdrRecordReaderOptions Default { get; } = new();

    /// <summary>
    /// The largest record accepted, checked from the header before any buffer grows. Default 64 MiB,
    /// far above any real history record (the largest are transaction sets of a few MiB).
    /// </summary>
    public int MaxRecordLength { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// A budget shared with other readers: each record takes its share (<see cref="XdrDecodeShare.For"/>) before its
    /// body is read, waits when the budget is spent, and may decode into no more than its share less its own length
    /// (<see cref="XdrRule.DecodedSizeLimit"/>). Default null: no budget. A record longer than the budget's capacity is
    /// <see cref="XdrRule.RecordTooLarge"/>.
    /// </summary>
    public XdrDecodeBudget? DecodeBudget { get; init; }

    /// <summary>Limits used by <see cref="XdrRecordReader.DecodeCurrent{T}"/>.</summary>
    public XdrReaderOptions ReaderOptions { get; init; } = XdrReaderOptions.Default;
}
