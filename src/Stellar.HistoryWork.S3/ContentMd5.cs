using System.Globalization;
using System.Security.Cryptography;

namespace Stellar.HistoryWork.S3;

/// <summary>
/// The Content-MD5 header (RFC 1864) of an upload: the one integrity check every S3-compatible server verifies
/// before storing a body. An integrity check, not security, hence MD5 (CA5351 does not apply).
/// </summary>
#pragma warning disable CA5351
internal static class ContentMd5
{
    private const int HashBufferSize = 128 * 1024;

    /// <summary>The Base64 MD5 of <paramref name="data"/>.</summary>
    public static string Of(ReadOnlySpan<byte> data) => Convert.ToBase64String(MD5.HashData(data));

    /// <summary>The Base64 MD5 of <paramref name="count"/> bytes of <paramref name="file"/> from <paramref name="offset"/>, read in a small buffer.</summary>
    public static async Task<string> OfFileAsync(string file, long offset, long count, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = new byte[(int)Math.Min(HashBufferSize, Math.Max(count, 1))];
        var done = 0L;
        while (done < count)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, count - done)), offset + done, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{file} ended at {offset + done} bytes, before the {offset + count} expected; it changed while being uploaded."));
            }

            md5.AppendData(buffer, 0, read);
            done += read;
        }

        return Convert.ToBase64String(md5.GetHashAndReset());
    }
}
#pragma warning restore CA5351
