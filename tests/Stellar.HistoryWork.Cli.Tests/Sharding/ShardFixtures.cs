using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;

namespace Stellar.HistoryWork.Cli.Tests.Sharding;

/// <summary>Sharded runs of the real command and the damage the proof tests do, read straight from the fixture files.</summary>
internal static class ShardFixtures
{
    public const int Shards = 8;

    public static string CommandDll => Path.Combine(AppContext.BaseDirectory, "stellar-history.dll");

    /// <summary>The job's slices of the testnet fixture (ledgers 1..10047), by the library's rule.</summary>
    public static CheckpointRange Slice(int index) =>
        new ArchiveShard(index, Shards).SliceOf(CheckpointMath.Default.RangeCovering(1, 10047))!.Value;

    /// <summary>Runs shards 0..N−1 (or only <paramref name="only"/>) as child processes of the built command, the index in JOB_COMPLETION_INDEX.</summary>
    public static async Task<ProcessRun[]> RunShardsAsync(string archive, string reports, string[] extra, params int[] only)
    {
        var indexes = only.Length > 0 ? only : Enumerable.Range(0, Shards).ToArray();
        return await Task.WhenAll(indexes.Select(i => ProcessRun.RunAsync(
            "dotnet",
            [CommandDll, "verify", "--archive", archive, "--to", "10047", "--shard-count", Shards.ToString(CultureInfo.InvariantCulture), "--report-dir", reports, "--quiet", "--concurrency", "2", .. extra],
            environment: new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = i.ToString(CultureInfo.InvariantCulture) })));
    }

    /// <summary>Runs one stage of a sharded mirror for shards 0..N−1 (or only <paramref name="only"/>) as child processes, as <see cref="RunShardsAsync"/> does.</summary>
    public static async Task<ProcessRun[]> RunMirrorShardsAsync(string archive, string target, string reports, string stage, params int[] only)
    {
        var indexes = only.Length > 0 ? only : Enumerable.Range(0, Shards).ToArray();
        return await Task.WhenAll(indexes.Select(i => ProcessRun.RunAsync(
            "dotnet",
            [CommandDll, "mirror", "--archive", archive, "--to-archive", target, "--to", "10047", "--shard-count", Shards.ToString(CultureInfo.InvariantCulture), "--stage", stage, "--report-dir", reports, "--quiet", "--concurrency", "2"],
            environment: new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = i.ToString(CultureInfo.InvariantCulture) })));
    }

    /// <summary>(path, kind) of every problem of a report.</summary>
    public static HashSet<(string Path, string Kind)> ProblemSet(JsonElement report) =>
        report.GetProperty("problems").EnumerateArray().Select(p => (p.GetProperty("path").GetString()!, p.GetProperty("kind").GetString()!)).ToHashSet();

    /// <summary>
    /// Changes the last header of a ledger file (its idPool, which no rule of a single file looks at) and gives it
    /// its new hash: the file stays consistent, but the next file's first <c>previousLedgerHash</c> no longer matches.
    /// </summary>
    public static void TamperLastHeader(string ledgerFile)
    {
        var records = new List<byte[]>();
        using (var input = new GZipStream(File.OpenRead(ledgerFile), CompressionMode.Decompress))
        {
            var mark = new byte[4];
            while (input.ReadAtLeast(mark, 4, throwOnEndOfStream: false) == 4)
            {
                var record = new byte[BinaryPrimitives.ReadUInt32BigEndian(mark) & 0x7FFF_FFFF];
                input.ReadExactly(record);
                records.Add(record);
            }
        }

        var last = records[^1];
        var header = last.AsSpan(32, last.Length - 32 - 4); // LedgerHeaderHistoryEntry: hash, header, ext (v0)
        SHA256.HashData(header).Should().Equal(last.AsSpan(0, 32).ToArray(), "the entry's hash is the SHA-256 of its header");
        header[IdPoolOffset(header) + 7] ^= 0x01;
        SHA256.HashData(header).CopyTo(last, 0);
        using var output = new GZipStream(File.Create(ledgerFile), CompressionLevel.Fastest);
        foreach (var record in records)
        {
            var mark = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(mark, (uint)record.Length | 0x8000_0000);
            output.Write(mark);
            output.Write(record);
        }
    }

    /// <summary>A bucket that first appears in a HAS inside <paramref name="index"/>'s slice, not at its edges.</summary>
    public static string BucketFirstInside(string archive, int index)
    {
        var slice = Slice(index);
        var seenBefore = new HashSet<string>(StringComparer.Ordinal);
        for (var checkpoint = 63u; checkpoint < slice.First + (2 * 64); checkpoint += 64)
        {
            seenBefore.UnionWith(Buckets(archive, checkpoint));
        }

        return Buckets(archive, slice[slice.Count / 2]).First(b => !seenBefore.Contains(b));
    }

    public static string BucketFile(string archive, string hash) =>
        Path.Combine(archive, "bucket", hash[..2], hash[2..4], hash[4..6], $"bucket-{hash}.xdr.gz");

    public static IEnumerable<string> CheckpointFiles(string archive, uint checkpoint)
    {
        var hex = checkpoint.ToString("x8", CultureInfo.InvariantCulture);
        var dir = Path.Combine(hex[..2], hex[2..4], hex[4..6]);
        yield return Path.Combine(archive, "history", dir, $"history-{hex}.json");
        foreach (var kind in new[] { "ledger", "transactions", "results", "scp" })
        {
            yield return Path.Combine(archive, kind, dir, $"{kind}-{hex}.xdr.gz");
        }
    }

    private static string[] Buckets(string archive, uint checkpoint)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(CheckpointFiles(archive, checkpoint).First()));
        return json.RootElement.GetProperty("currentBuckets").EnumerateArray()
            .SelectMany(level => new[] { level.GetProperty("curr").GetString()!, level.GetProperty("snap").GetString()! })
            .Where(h => h.Any(c => c != '0'))
            .ToArray();
    }

    private static int IdPoolOffset(ReadOnlySpan<byte> header)
    {
        var at = 4 + 32 + 32 + 8; // ledgerVersion, previousLedgerHash, scpValue.txSetHash, closeTime
        var upgrades = U32(header, ref at);
        for (var i = 0; i < upgrades; i++)
        {
            at += Padded(U32(header, ref at));
        }

        if (U32(header, ref at) == 1)
        {
            at += 4 + 32; // LedgerCloseValueSignature: nodeID
            at += Padded(U32(header, ref at));
        }

        return at + 32 + 32 + 4 + 8 + 8 + 4; // txSetResultHash, bucketListHash, ledgerSeq, totalCoins, feePool, inflationSeq
    }

    private static int U32(ReadOnlySpan<byte> data, ref int at)
    {
        var value = (int)BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
        at += 4;
        return value;
    }

    private static int Padded(int length) => (length + 3) & ~3;
}
