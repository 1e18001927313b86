namespace Stellar.HistoryWork.Verification;

/// <summary>
/// A bucket whose decompressed bytes hash to its name. <see cref="HasMetaEntry"/> is information only:
/// buckets written before protocol 11 have no METAENTRY.
/// </summary>
public sealed record BucketVerificationResult(
    string HashHex,
    long CompressedBytes,
    long DecompressedBytes,
    bool HasMetaEntry,
    uint? MetaLedgerVersion);
