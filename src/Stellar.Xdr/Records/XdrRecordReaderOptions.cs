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

    /// <summary>Limits used by <see cref="XdrRecordReader.DecodeCurrent{T}"/>.</summary>
    public XdrReaderOptions ReaderOptions { get; init; } = XdrReaderOptions.Default;
}
