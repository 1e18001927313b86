using System.IO.Compression;
using Stellar.HistoryWork.IO;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Gzips the files of a snapshot: one member per file, as the reference node's <c>gzip</c> makes them (the compressed
/// bytes differ from tool to tool; only the decompressed content is hashed or compared), put in place atomically.
/// </summary>
internal static class SnapshotGzip
{
    private const int BufferSize = 128 * 1024;

    // What `gzip < /dev/null` writes: a header, one final empty fixed-Huffman block, CRC-32 0 and size 0.
    // GZipStream writes nothing at all for empty input, and a 0-byte file is not gzip.
    private static readonly byte[] EmptyMember = [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Whether a local file is gzip (its magic number), not raw XDR: a record mark never starts with 0x1f 0x8b.</summary>
    public static bool IsGzip(string path)
    {
        Span<byte> magic = stackalloc byte[2];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        return file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <summary>Writes <paramref name="destination"/> as the gzip of <paramref name="source"/>, or of nothing when it is null.</summary>
    public static Task CompressAsync(string? source, string destination, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(destination, async (stream, ct) =>
        {
            if (source is null || new FileInfo(source).Length == 0)
            {
                await stream.WriteAsync(EmptyMember, ct).ConfigureAwait(false);
                return;
            }

            var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (input.ConfigureAwait(false))
                {
                    await input.CopyToAsync(gzip, BufferSize, ct).ConfigureAwait(false);
                }
            }
        }, cancellationToken);
}
