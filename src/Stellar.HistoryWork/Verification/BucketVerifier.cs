using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Verifies a bucket file (ARCHIVE-FORMAT.md §4.4): SHA-256 over the entire decompressed content, record
/// marks included, must equal the hash in its name, and the content must be bucket XDR (a blob whose hash is
/// its name, an HTML page say, is not a bucket: <see cref="BucketRecordScanner"/>). Streams with large pooled
/// buffers; never holds the bucket; stops at the decompressed size cap so a gzip bomb cannot run on.
/// </summary>
public static class BucketVerifier
{
    /// <summary>
    /// Verifies the gzip-compressed bucket read from <paramref name="compressed"/> against
    /// <paramref name="expectedHashHex"/>. When <paramref name="copyTo"/> is given, every compressed byte
    /// read is written to it in the same pass (for a download's temporary file); the caller decides what
    /// to do with that copy when this throws.
    /// </summary>
    /// <param name="compressed">The file as stored in the archive (gzip).</param>
    /// <param name="expectedHashHex">The bucket's name: 64 hex digits, not the all-zero empty bucket.</param>
    /// <param name="path">Archive path for messages; defaults to the bucket's archive path.</param>
    /// <param name="copyTo">Optional destination for the compressed bytes.</param>
    /// <param name="options">Limits; <see cref="HistoryVerificationOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Stops the read promptly.</param>
    /// <exception cref="HistoryVerificationException">Corrupt (bad gzip, 0-byte file, over the cap, not bucket XDR) or HashMismatch.</exception>
    public static async Task<BucketVerificationResult> VerifyAsync(
        Stream compressed,
        string expectedHashHex,
        string? path = null,
        Stream? copyTo = null,
        HistoryVerificationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(expectedHashHex);
        if (!HashHex.IsValid(expectedHashHex) || HashHex.IsZero(expectedHashHex))
        {
            throw new ArgumentException($"'{expectedHashHex}' is not the hash of a bucket file", nameof(expectedHashHex));
        }

        options ??= HistoryVerificationOptions.Default;
        options.Validate();
        var expected = expectedHashHex.ToLowerInvariant();
        path ??= ArchivePaths.Bucket(expected);

        var counting = new CountingReadStream(compressed, copyTo, leaveOpen: true);
        await using var gzip = HistoryGzip.Open(counting);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var scanner = new BucketRecordScanner(path, HistoryRecordLimits.BucketEntry(options), options.DecodeBudget);

        // Two buffers: hash one on another core while the next is inflated.
        var size = options.BucketBufferSize;
        var current = ArrayPool<byte>.Shared.Rent(size);
        var next = ArrayPool<byte>.Shared.Rent(size);
        long total = 0;
        Task hashing = Task.CompletedTask;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    // Fill the buffer so hashing works on large chunks; inflate hands out small pieces.
                    read = await gzip.ReadAtLeastAsync(current.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                }
                catch (XdrStreamException e)
                {
                    throw Problem(path, ProblemKind.Corrupt, $"gzip data is damaged after {gzip.DecompressedBytes} decompressed bytes (rule: a bucket is a valid gzip stream): {e.Message}", e);
                }

                await hashing.ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > options.MaxBucketDecompressedBytes)
                {
                    throw Problem(path, ProblemKind.Corrupt, string.Create(CultureInfo.InvariantCulture,
                        $"decompresses to more than the cap of {options.MaxBucketDecompressedBytes} bytes (rule: bucket size limit)"));
                }

                var chunk = current;
                var chunkLength = read;
                hashing = chunkLength >= 64 * 1024
                    ? Task.Run(() => ConsumeAsync(sha, scanner, chunk, chunkLength, cancellationToken), cancellationToken)
                    : ConsumeAsync(sha, scanner, chunk, chunkLength, cancellationToken);
                (current, next) = (next, current);
            }
        }
        finally
        {
            try
            {
                await hashing.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // the loop is already unwinding with the reason
            }

            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }

        var actual = HashHex.ToHex(sha.GetHashAndReset());
        if (string.Equals(actual, expected, StringComparison.Ordinal))
        {
            // Only a file whose hash is its name is worth a structure verdict: anything else is a plain mismatch.
            scanner.Complete();
        }

        if (!string.Equals(actual, expected, StringComparison.Ordinal))
        {
            throw Problem(path, ProblemKind.HashMismatch, string.Create(CultureInfo.InvariantCulture,
                $"SHA-256 of the {total} decompressed bytes is {actual}, not the name {expected} (rule: bucket hash = name)"));
        }

        return new BucketVerificationResult(expected, counting.BytesRead, total, scanner.MetaLedgerVersion is not null, scanner.MetaLedgerVersion)
        {
            Entries = scanner.Entries,
            IsHotArchive = scanner.IsHotArchive,
        };
    }

    /// <summary>Verifies a local gzip bucket file against <paramref name="expectedHashHex"/>.</summary>
    /// <exception cref="HistoryVerificationException">Missing, Corrupt or HashMismatch.</exception>
    public static async Task<BucketVerificationResult> VerifyFileAsync(
        string localFile,
        string expectedHashHex,
        string? path = null,
        HistoryVerificationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        ArgumentNullException.ThrowIfNull(expectedHashHex);
        path ??= HashHex.IsValid(expectedHashHex) ? ArchivePaths.Bucket(expectedHashHex.ToLowerInvariant()) : localFile;
        FileStream file;
        try
        {
            file = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Problem(path, ProblemKind.Missing, $"is absent ({localFile}) (rule: every referenced bucket exists)", e);
        }

        await using (file.ConfigureAwait(false))
        {
            return await VerifyAsync(file, expectedHashHex, path, null, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The METAENTRY ledger version of a bucket file already verified and stored (0 without one), read from its
    /// first record only: what <see cref="BucketListRules"/> needs of a bucket that is reused rather than fetched.
    /// </summary>
    internal static async Task<uint> ReadMetaLedgerVersionAsync(string localFile, CancellationToken cancellationToken)
    {
        var file = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var gzip = HistoryGzip.OpenDecompressed(file, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                var prefix = new byte[12]; // record mark, entry type, ledgerVersion
                var got = await gzip.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                return got == prefix.Length && System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(prefix.AsSpan(4)) == -1
                    ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(8))
                    : 0;
            }
        }
    }

    private static Task ConsumeAsync(IncrementalHash sha, BucketRecordScanner scanner, byte[] chunk, int length, CancellationToken cancellationToken)
    {
        sha.AppendData(chunk, 0, length);
        var scanned = scanner.ConsumeAsync(chunk.AsMemory(0, length), cancellationToken);
        return scanned.IsCompletedSuccessfully ? Task.CompletedTask : scanned.AsTask();
    }

    private static HistoryVerificationException Problem(string path, ProblemKind kind, string message, Exception? inner = null) =>
        HistoryVerificationException.Create(path, null, kind, path + " " + message, inner);
}
