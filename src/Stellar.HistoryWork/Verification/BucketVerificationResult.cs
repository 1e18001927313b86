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
    uint? MetaLedgerVersion)
{
    /// <summary>Bucket entries read, the METAENTRY included.</summary>
    public long Entries { get; init; }

    /// <summary>Whether the METAENTRY names the hot-archive list (the entries are <c>HotArchiveBucketEntry</c>).</summary>
    public bool IsHotArchive { get; init; }
}
