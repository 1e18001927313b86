using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Decompresses history files so that a damaged or cut-off file cannot pass for a shorter good one.
/// <c>GZipStream</c> ends quietly when its input stops in the middle of a member; <see cref="CheckedGzipStream"/>
/// checks the last member's trailer (CRC-32 and size) and throws <see cref="XdrStreamException"/>, as it does
/// for a 0-byte file. Multi-member files are accepted.
/// </summary>
public static class HistoryGzip
{
    /// <summary>Wraps the gzip bytes of a history file in a checked decompressing stream.</summary>
    public static Stream OpenDecompressed(Stream compressed, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        return new CheckedGzipStream(compressed, null, leaveOpen);
    }

    /// <summary>As <see cref="OpenDecompressed(Stream, bool)"/>, also writing every compressed byte read to <paramref name="copyTo"/>.</summary>
    public static Stream OpenDecompressed(Stream compressed, Stream copyTo, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(copyTo);
        return new CheckedGzipStream(new CountingReadStream(compressed, copyTo, leaveOpen), null, leaveOpen: false);
    }

    internal static CheckedGzipStream Open(CountingReadStream counting) => new(counting, null, leaveOpen: false);

    /// <summary>
    /// Runs <paramref name="verify"/> over the strictly checked, decompressed content of a history file, which
    /// fails as a verification problem once it exceeds <paramref name="maxDecompressedBytes"/>: records of a
    /// valid shape can repeat without end, and only a size cap stops such a bomb.
    /// </summary>
    internal static async Task<T> VerifyDecompressedAsync<T>(
        Stream compressed, string path, long maxDecompressedBytes, Func<Stream, CancellationToken, Task<T>> verify, CancellationToken cancellationToken)
    {
        var gzip = new CheckedGzipStream(compressed, path, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            return await verify(new LengthLimitedStream(gzip, maxDecompressedBytes, path), cancellationToken).ConfigureAwait(false);
        }
    }
}
