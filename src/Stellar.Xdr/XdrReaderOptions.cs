namespace Stellar.Xdr;

/// <summary>Limits that protect an <see cref="XdrReader"/> from hostile input.</summary>
public sealed class XdrReaderOptions
{
    /// <summary>The defaults: depth 200, input up to 256 MiB.</summary>
    public static XdrReaderOptions Default { get; } = new();

    /// <summary>How deeply structs and unions may nest. Default 200; recursive types (SCVal, ClaimPredicate) need a bound.</summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>The most bytes one reader accepts. Default 256 MiB.</summary>
    public int MaxInputLength { get; init; } = 256 * 1024 * 1024;

    /// <summary>
    /// The most bytes of managed memory one decode may allocate, measured as it goes (objects, arrays, opaques): a few
    /// input bytes can stand for a large object (a union keeps a field for every arm), so a small input can decode
    /// into far more memory than its length. Default <see cref="long.MaxValue"/>: not measured.
    /// </summary>
    public long MaxDecodedBytes { get; init; } = long.MaxValue;
}
