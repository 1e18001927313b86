using System.Diagnostics;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Benchmarks.Archives;

/// <summary>What to generate: large buckets (the load), a few small ones, and how many checkpoints.</summary>
internal sealed record SyntheticArchiveSpec(long LargeBucketBytes, int LargeBuckets, int Checkpoints);

/// <summary>
/// Writes a synthetic archive that is consistent in every rule <see cref="ArchiveVerifier"/> checks:
/// buckets named by the SHA-256 of their decompressed bytes, one HAS (v1, 11 levels) per checkpoint
/// naming them, ledger headers 1.. chained by hash with the checkpoint ledger's bucketListHash equal to
/// the HAS's, empty transaction sets and result sets hashed the way protocol 22 hashes them, empty
/// (gzip of nothing) transactions and results files, no SCP files, and <c>.well-known</c>.
/// </summary>
internal static class SyntheticArchiveGenerator
{
    public const uint ProtocolVersion = 22;
    private const int SmallBuckets = 6;

    public static void Generate(string root, SyntheticArchiveSpec spec, TextWriter log)
    {
        Directory.CreateDirectory(root);
        var math = CheckpointMath.Default;

        // Small buckets at the low levels, large ones above them, as in a real bucket list.
        var sizes = Enumerable.Range(0, SmallBuckets).Select(i => (64L * 1024) << i)
            .Concat(Enumerable.Repeat(spec.LargeBucketBytes, spec.LargeBuckets))
            .ToArray();
        var hashes = new string[sizes.Length];
        var watch = Stopwatch.StartNew();
        Parallel.For(0, sizes.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            hashes[i] = SyntheticBucketWriter.Write(root, sizes[i], seed: i + 1);
            lock (log)
            {
                log.WriteLine($"bucket {i + 1}/{sizes.Length}: {sizes[i]} bytes -> {hashes[i]} ({watch.Elapsed.TotalSeconds:F0} s)");
            }
        });

        var levels = Levels(hashes);
        byte[] previousHash = new byte[32];
        for (var c = 0; c < spec.Checkpoints; c++)
        {
            var checkpoint = (uint)((c + 1) * math.Frequency - 1);
            var state = new HistoryArchiveState
            {
                Version = HistoryArchiveState.VersionBeforeHotArchive,
                Server = "synthetic (Stellar.HistoryWork.Benchmarks make-archive)",
                CurrentLedger = checkpoint,
                NetworkPassphrase = "Test SDF Network ; September 2015",
                CurrentBuckets = levels,
            };
            var bucketListHash = state.ComputeBucketListHash();
            previousHash = WriteCheckpoint(root, math, checkpoint, previousHash, bucketListHash);
            var json = state.ToUtf8Bytes();
            WriteFile(root, ArchivePaths.HistoryState(checkpoint), json);
            if (c == spec.Checkpoints - 1)
            {
                WriteFile(root, ArchivePaths.WellKnownState, json);
            }
        }

        log.WriteLine($"{spec.Checkpoints} checkpoint(s), {hashes.Length} buckets, {watch.Elapsed.TotalSeconds:F0} s");
    }

    private static HistoryStateBucket[] Levels(string[] hashes)
    {
        var slots = Enumerable.Repeat(HashHex.Zero, HistoryArchiveState.BucketListLevels * 2).ToArray();
        var small = hashes.Take(SmallBuckets).ToArray();
        var large = hashes.Skip(SmallBuckets).ToArray();
        for (var i = 0; i < small.Length; i++)
        {
            slots[i] = small[i];
        }

        // Large ones right above them, leaving the top empty: a real bucket list fills from level 0 up, and the
        // future rules of the reference node (BucketListRules) judge an empty level between full ones.
        for (var i = 0; i < large.Length; i++)
        {
            slots[small.Length + i] = large[i];
        }

        return Enumerable.Range(0, HistoryArchiveState.BucketListLevels)
            .Select(l => new HistoryStateBucket(slots[2 * l], FutureBucket.Clear, slots[(2 * l) + 1]))
            .ToArray();
    }

    /// <summary>Writes the ledger, transactions and results files of one checkpoint; returns its last header hash.</summary>
    private static byte[] WriteCheckpoint(string root, CheckpointMath math, uint checkpoint, byte[] previousHash, byte[] bucketListHash)
    {
        using var ledger = new MemoryStream();
        using (var writer = new XdrRecordWriter(ledger, leaveOpen: true))
        {
            for (var seq = math.FirstLedgerIn(checkpoint); seq <= checkpoint; seq++)
            {
                var header = Header(seq, previousHash, bucketListHash);
                var hash = StellarHashes.LedgerHeaderHash(header);
                writer.Write(new LedgerHeaderHistoryEntry { Hash = hash, Header = header, Ext = new LedgerHeaderHistoryEntryExt { Discriminant = 0 } });
                previousHash = hash;
            }
        }

        WriteFile(root, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint), Gzip(ledger.ToArray()));
        WriteFile(root, ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint), Gzip([]));
        WriteFile(root, ArchivePaths.CheckpointFile(HistoryFileKind.Results, checkpoint), Gzip([]));
        return previousHash;
    }

    private static LedgerHeader Header(uint seq, byte[] previousHash, byte[] bucketListHash) => new()
    {
        LedgerVersion = ProtocolVersion,
        PreviousLedgerHash = previousHash,
        ScpValue = new StellarValue
        {
            // Genesis has no transaction set; every later ledger had the empty one built on its predecessor.
            TxSetHash = seq == 1 ? new byte[32] : EmptyTransactionSet.Hash(ProtocolVersion, previousHash),
            CloseTime = 1_700_000_000UL + (5UL * seq),
            Upgrades = [],
            Ext = new StellarValueExt { Discriminant = StellarValueType.STELLAR_VALUE_BASIC },
        },
        TxSetResultHash = seq == 1 ? new byte[32] : ResultsVerifier.EmptyResultSetHash.ToArray(),
        BucketListHash = bucketListHash,
        LedgerSeq = seq,
        TotalCoins = 1_000_000_000_000_000_000L,
        FeePool = 0,
        InflationSeq = 0,
        IdPool = 0,
        BaseFee = 100,
        BaseReserve = 5_000_000,
        MaxTxSetSize = 1000,
        SkipList = [new byte[32], new byte[32], new byte[32], new byte[32]],
        Ext = new LedgerHeaderExt { Discriminant = 0 },
    };

    private static byte[] Gzip(byte[] data)
    {
        using var gzip = Process.Start(new ProcessStartInfo("gzip", ["-6", "-c"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start gzip");
        using var output = new MemoryStream();
        var copy = gzip.StandardOutput.BaseStream.CopyToAsync(output);
        gzip.StandardInput.BaseStream.Write(data);
        gzip.StandardInput.Close();
        copy.GetAwaiter().GetResult();
        gzip.WaitForExit();
        return output.ToArray();
    }

    private static void WriteFile(string root, string archivePath, byte[] content)
    {
        var path = Path.Combine(root, archivePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
