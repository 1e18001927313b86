using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Benchmarks.Verification;

/// <summary>
/// <c>profile-bucket FILE</c>: splits one bucket's verification cost into its parts — plain inflate,
/// checked inflate (<see cref="CheckedGzipStream"/>), SHA-256 alone, and the whole
/// <see cref="BucketVerifier"/> — each single-threaded from a file in the page cache, as wall and CPU time.
/// </summary>
internal static class ProfileBucketCommand
{
    private const int BufferSize = 1024 * 1024;

    public static bool TryRun(string[] args)
    {
        if (args.Length < 2 || args[0] != "profile-bucket")
        {
            return false;
        }

        if (Directory.Exists(args[1]))
        {
            // A directory: its buckets one after another, then all at once.
            var all = Directory.EnumerateFiles(args[1], "bucket-*.xdr.gz", SearchOption.AllDirectories).ToArray();
            Time($"{all.Length} buckets, one at a time", () => all.Sum(f => VerifyOne(f)));
            Time($"{all.Length} buckets, all at once", () => Task.WhenAll(all.Select(f => Task.Run(() => VerifyOne(f)))).GetAwaiter().GetResult().Sum());
            return true;
        }

        var file = args[1];
        var hash = Path.GetFileName(file)["bucket-".Length..^".xdr.gz".Length];
        var buffer = new byte[BufferSize];
        for (var round = 0; round < 3; round++)
        {
            Time("inflate (GZipStream)", () => Drain(new GZipStream(Open(file), CompressionMode.Decompress), buffer, null));
            Time("inflate (CheckedGzipStream)", () => Drain(new CheckedGzipStream(Open(file)), buffer, null));
            Time("inflate + SHA-256, one thread", () =>
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                return Drain(new CheckedGzipStream(Open(file)), buffer, sha);
            });
            Time("BucketVerifier.VerifyFileAsync", () => BucketVerifier.VerifyFileAsync(file, hash).GetAwaiter().GetResult().DecompressedBytes);
            Time("BucketVerifier, sync FileStream", () =>
            {
                using var stream = Open(file);
                return BucketVerifier.VerifyAsync(stream, hash).GetAwaiter().GetResult().DecompressedBytes;
            });
            Time("BucketVerifier, LocalArchiveReader", () =>
            {
                var reader = new LocalArchiveReader(Path.GetDirectoryName(file)!);
                using var stream = reader.OpenReadAsync(Path.GetFileName(file)).AsTask().GetAwaiter().GetResult();
                return BucketVerifier.VerifyAsync(stream, hash).GetAwaiter().GetResult().DecompressedBytes;
            });
        }

        return true;
    }

    private static long VerifyOne(string file) =>
        BucketVerifier.VerifyFileAsync(file, Path.GetFileName(file)["bucket-".Length..^".xdr.gz".Length]).GetAwaiter().GetResult().DecompressedBytes;

    private static FileStream Open(string file) => new(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);

    private static long Drain(Stream stream, byte[] buffer, IncrementalHash? sha)
    {
        using (stream)
        {
            long total = 0;
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                sha?.AppendData(buffer, 0, read);
                total += read;
            }

            return total;
        }
    }

    private static void Time(string name, Func<long> run)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var bytes = run();
        watch.Stop();
        self.Refresh();
        var cpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-34} {bytes / 1e6,8:F0} MB  wall {watch.Elapsed.TotalSeconds,6:F3} s  cpu {cpuSeconds,6:F3} s  {bytes / 1e6 / cpuSeconds,6:F0} MB/cpu-s"));
    }
}
