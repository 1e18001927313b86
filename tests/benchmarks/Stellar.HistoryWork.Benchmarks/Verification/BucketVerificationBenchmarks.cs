using BenchmarkDotNet.Attributes;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Benchmarks.Verification;

/// <summary>
/// Bucket verification throughput over the largest real buckets of the fixtures, read from memory so
/// only inflate + SHA-256 are measured. MB/s (decompressed) = DecompressedBytes / mean time.
/// </summary>
[MemoryDiagnoser]
public class BucketVerificationBenchmarks
{
    private (byte[] Compressed, string Hash)[] _buckets = [];

    [Params(64 * 1024, 1024 * 1024)]
    public int BufferSize { get; set; }

    /// <summary>Decompressed bytes per operation, printed once so MB/s can be computed.</summary>
    public long DecompressedBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var root = FindFixtures();
        _buckets = Directory.EnumerateFiles(root, "bucket-*.xdr.gz", SearchOption.AllDirectories)
            .OrderByDescending(f => new FileInfo(f).Length)
            .Take(5)
            .Select(f => (File.ReadAllBytes(f), Path.GetFileName(f)["bucket-".Length..^".xdr.gz".Length]))
            .ToArray();
        DecompressedBytes = _buckets.Sum(b => BucketVerifier.VerifyAsync(new MemoryStream(b.Compressed), b.Hash).GetAwaiter().GetResult().DecompressedBytes);
        Console.WriteLine($"// {_buckets.Length} buckets, {DecompressedBytes} decompressed bytes per operation");
    }

    [Benchmark]
    public async Task<long> VerifyLargestBuckets()
    {
        var options = new HistoryVerificationOptions { BucketBufferSize = BufferSize };
        long total = 0;
        foreach (var (compressed, hash) in _buckets)
        {
            total += (await BucketVerifier.VerifyAsync(new MemoryStream(compressed), hash, options: options).ConfigureAwait(false)).DecompressedBytes;
        }

        return total;
    }

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "archives");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/fixtures/archives");
    }
}
