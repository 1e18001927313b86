using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Tests.BadInput;

/// <summary>
/// One malformed input (DESIGN.md §5): how to damage <see cref="BadArchive"/>, and what every path must say
/// about it — the file, the kind, the ledger and a piece of the rule's text.
/// </summary>
/// <param name="Name">The row's name (the theory data).</param>
/// <param name="Path">Archive path of the damaged file.</param>
/// <param name="Kind">The problem kind; null when the input is valid and must be accepted.</param>
/// <param name="Ledger">The ledger the problem names (null for a bucket).</param>
/// <param name="Rule">Text of the broken rule that the verifier's and the download's messages contain.</param>
/// <param name="Damage">Damages the archive.</param>
internal sealed record BadInputCase(string Name, string Path, ProblemKind? Kind, uint? Ledger, string Rule, Action<BadArchive> Damage)
{
    /// <summary>Whether <c>dump-xdr</c> (which decodes but verifies nothing) must fail on the file.</summary>
    public bool DumpFails { get; init; }

    /// <summary>
    /// Whether the command line, which has no option for the decompressed-size caps the tests set small,
    /// accepts the file (a "bomb" of valid records is only a bomb relative to a cap).
    /// </summary>
    public bool CliAccepts { get; init; }

    /// <summary>Whether the file is only hostile at the real (protocol) caps, so the library tests must not use <see cref="SmallCap"/>.</summary>
    public bool NeedsRealCaps { get; init; }

    public bool IsValid => Kind is null;

    /// <summary>The download work that must fail, when it is not the one that fetches the file.</summary>
    public string? FailingWorkOverride { get; init; }

    /// <summary>The download work that must fail.</summary>
    public string FailingWork => FailingWorkOverride ?? (ArchivePaths.TryParseCheckpointFile(Path, out var kind, out _)
        ? $"download-{ArchivePaths.CategoryOf(kind)}-"
        : Path.StartsWith("bucket/", StringComparison.Ordinal) ? "download-buckets" : "get-history-archive-state");

    /// <summary>The decompressed-size cap the library tests use, so that a bomb stops early.</summary>
    public const int SmallCap = 1 << 20;

    public override string ToString() => Name;

    public static BadInputCase Get(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static readonly byte[] HtmlPage = BadArchive.Ascii("<!DOCTYPE html>\n<html><head><title>Moved</title></head><body>This archive has moved.</body></html>\n");

    private static readonly string HtmlBucketHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(HtmlPage));

    private static readonly string HtmlBucket = ArchivePaths.Bucket(HtmlBucketHash);

    /// <summary>The fixture's level 1 bucket with its second entry's type set to 7 (no such BucketEntryType): framing and gzip stay valid.</summary>
    private static readonly byte[] UnknownEntryPlain = UnknownEntry();

    private static readonly string UnknownEntryBucket = ArchivePaths.Bucket(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(UnknownEntryPlain)));

    public static IReadOnlyList<BadInputCase> All { get; } =
    [
        new("truncated-gzip", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "well-formed gzip",
            a => a.Write(BadArchive.Ledger, a.Bytes(BadArchive.Ledger)[..(a.Bytes(BadArchive.Ledger).Length / 2)])) { DumpFails = true },

        // The deflate data is whole; only the trailer (CRC-32 and size) is gone: a plain GZipStream reads it cleanly.
        new("gzip-trailer-cut", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "well-formed gzip",
            a => a.Write(BadArchive.Ledger, a.Bytes(BadArchive.Ledger)[..^8])) { DumpFails = true },

        new("gzip-trailing-garbage", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "well-formed gzip",
            a => a.Write(BadArchive.Ledger, [.. a.Bytes(BadArchive.Ledger), .. BadArchive.Ascii("GARBAGE AFTER THE LAST MEMBER")])) { DumpFails = true },

        // Issue 10 row 7: a whole valid file plus a copy of its own trailer (the trailer check looked at "the last 8 bytes read").
        new("gzip-trailer-copied", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "well-formed gzip",
            a => a.Write(BadArchive.Ledger, [.. a.Bytes(BadArchive.Ledger), .. a.Bytes(BadArchive.Ledger)[^8..]])) { DumpFails = true },

        new("bucket-gzip-trailer-copied", BadArchive.Bucket, ProblemKind.Corrupt, null, "a bucket is a valid gzip stream",
            a => a.Write(BadArchive.Bucket, [.. a.Bytes(BadArchive.Bucket), .. a.Bytes(BadArchive.Bucket)[^8..]])) { DumpFails = true },

        // Issue 10 row 1: a header, then empty stored blocks (5 bytes each, nothing decompressed) past any real file's overhead.
        new("gzip-empty-blocks", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "well-formed gzip",
            a => a.Write(BadArchive.Ledger, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, .. Enumerable.Repeat<byte[]>([0, 0, 0, 0xff, 0xff], 300_000).SelectMany(b => b)])) { DumpFails = true },

        new("gzip-file-name-without-end", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "well-formed gzip",
            a => a.Write(BadArchive.Ledger, [0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3, .. Enumerable.Repeat((byte)'a', 1_200_000)])) { DumpFails = true },

        new("not-gzip", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "well-formed gzip",
            a => a.WriteText(BadArchive.Ledger, "<html><body>404 Not Found</body></html>\n")) { DumpFails = true },

        new("zero-byte-file", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "0-byte file",
            a => a.Write(BadArchive.Ledger, [])) { DumpFails = true },

        new("bucket-gzip-bomb", BadArchive.Bucket, ProblemKind.Corrupt, null, "bucket size limit",
            a => a.Write(BadArchive.Bucket, BadArchive.ZeroBomb(64))) { DumpFails = true },

        // Valid, repeated SCP records: nothing but the size cap stops them.
        new("checkpoint-file-gzip-bomb", BadArchive.Scp, ProblemKind.Corrupt, BadArchive.Checkpoint, "decompressed size limit",
            a => a.WriteRecords(BadArchive.Scp, Enumerable.Repeat(a.Records(BadArchive.Scp)[0], 4 * SmallCap / 1000))) { CliAccepts = true },

        new("bucket-gzip-of-garbage", BadArchive.Bucket, ProblemKind.HashMismatch, null, "bucket hash = name",
            a => a.Write(BadArchive.Bucket, BadArchive.Gzip(BadArchive.Ascii(string.Concat(Enumerable.Repeat("garbage!", 512)))))) { DumpFails = true },

        // The second record's mark says 4 bytes fewer than its body: the entry loses its ext arm.
        new("record-length-wrong", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "Truncated",
            a =>
            {
                var plain = BadArchive.Mark(a.Records(BadArchive.Ledger));
                var second = 4 + (int)(BinaryPrimitives.ReadUInt32BigEndian(plain) & 0x7FFF_FFFF);
                BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(second), BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(second)) - 4);
                a.Write(BadArchive.Ledger, BadArchive.Gzip(plain));
            }) { DumpFails = true },

        new("record-over-cap", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "RecordTooLarge",
            a =>
            {
                var plain = BadArchive.Mark(a.Records(BadArchive.Ledger));
                BinaryPrimitives.WriteUInt32BigEndian(plain, 0x8000_0000u | 0x7FFF_FFF0u);
                a.Write(BadArchive.Ledger, BadArchive.Gzip(plain));
            }) { DumpFails = true },

        // Issue 10 row 12: a transactions record may be no larger than a tx set can be (stellar-core's overlay drops
        // messages over 16 MiB); the mark claims 16 MiB + 4 and is rejected before any buffer grows.
        new("transactions-record-over-protocol-cap", BadArchive.Transactions, ProblemKind.Corrupt, BadArchive.Checkpoint, "RecordTooLarge",
            a => a.Write(BadArchive.Transactions, BadArchive.Gzip([.. BadArchive.BigEndian(0x8000_0000u | ((16u << 20) + 4)), .. BadArchive.BigEndian(100, 0, 0, 0)]))) { DumpFails = true },

        // Issue 10 row 12: a record at the cap made of ~1.4 M minimal TxSetComponents (12 bytes each) decodes into ~8x
        // its size; it may use only its share of the shared decode budget, so it ends as corrupt, not as 112 MiB.
        new("transactions-record-of-minimal-components", BadArchive.Transactions, ProblemKind.Corrupt, BadArchive.Checkpoint, "decode budget",
            a => a.Write(BadArchive.Transactions, BadArchive.Gzip(BadArchive.Mark([MinimalComponentsRecord(BadArchive.Checkpoint)]))))
        {
            DumpFails = true,
            NeedsRealCaps = true,
        },

        // stellar-core's reader masks bit 31 (the last-fragment flag) and accepts a record without it.
        new("record-mark-bit31-clear", BadArchive.Ledger, null, null, "",
            a =>
            {
                foreach (var path in new[] { BadArchive.Ledger, BadArchive.Transactions, BadArchive.Results, BadArchive.Scp })
                {
                    a.WriteRecords(path, a.Records(path), lastFragmentBit: false);
                }
            }),

        // An upgrade of 3 bytes whose padding byte is 1 instead of 0, in the header of ledger 65.
        new("bad-padding", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "NonZeroPadding",
            a =>
            {
                var records = a.Records(BadArchive.Ledger);
                const int upgradesCount = 32 + 4 + 32 + 32 + 8;
                BinaryPrimitives.ReadUInt32BigEndian(records[1].AsSpan(upgradesCount)).Should().Be(0, "the damage expects a ledger without upgrades");
                records[1] = [.. records[1][..upgradesCount], .. BadArchive.BigEndian(1, 3), 0xAB, 0xCD, 0xEF, 0x01, .. records[1][(upgradesCount + 4)..]];
                a.WriteRecords(BadArchive.Ledger, records);
            }) { DumpFails = true },

        // LedgerHeaderHistoryEntry ends with its ext union, which has only arm 0.
        new("unknown-union-arm", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint, "UnknownUnionArm",
            a =>
            {
                var records = a.Records(BadArchive.Ledger);
                BinaryPrimitives.WriteUInt32BigEndian(records[0].AsSpan(records[0].Length - 4), 7);
                a.WriteRecords(BadArchive.Ledger, records);
            }) { DumpFails = true },

        // An SCPHistoryEntry whose quorum set nests 300 inner sets deep (12 bytes a level).
        new("depth-bomb", BadArchive.Scp, ProblemKind.Corrupt, BadArchive.Checkpoint, "DepthLimit",
            a =>
            {
                var nested = Enumerable.Range(0, 300).SelectMany(_ => BadArchive.BigEndian(1, 0, 1));
                byte[] bomb = [.. BadArchive.BigEndian(0, 1), .. nested, .. BadArchive.BigEndian(1, 0, 0), .. BadArchive.BigEndian(100, 0)];
                a.WriteRecords(BadArchive.Scp, [bomb, .. a.Records(BadArchive.Scp)]);
            }) { DumpFails = true },

        new("ledger-extra-record", BadArchive.Ledger, ProblemKind.Corrupt, BadArchive.Checkpoint + 1, "the last record is the checkpoint ledger",
            a => a.WriteRecords(BadArchive.Ledger, [.. a.Records(BadArchive.Ledger), Fixture127Plus1()])),

        // Ledger 120's entry again after 127's (swapping neighbours would first break the empty-set rule of the skipped ledger).
        new("transactions-out-of-order", BadArchive.Transactions, ProblemKind.Corrupt, 120, "entries in increasing order, no duplicates",
            a =>
            {
                var records = a.Records(BadArchive.Transactions);
                a.WriteRecords(BadArchive.Transactions, [.. records, records[1]]);
            }),

        new("transactions-duplicated", BadArchive.Transactions, ProblemKind.Corrupt, 95, "entries in increasing order, no duplicates",
            a =>
            {
                var records = a.Records(BadArchive.Transactions);
                a.WriteRecords(BadArchive.Transactions, [records[0], .. records]);
            }),

        new("results-outside-checkpoint", BadArchive.Results, ProblemKind.Corrupt, BadArchive.Checkpoint + 1, "entries lie inside the checkpoint",
            a =>
            {
                var records = a.Records(BadArchive.Results);
                var extra = records[^1].ToArray();
                BinaryPrimitives.WriteUInt32BigEndian(extra, BadArchive.Checkpoint + 1);
                a.WriteRecords(BadArchive.Results, [.. records, extra]);
            }),

        // Issue 10 row 3: the ledger after this entry is 2^32; a wrap to 0 once threw from a verifier job and left verify waiting.
        new("transactions-entry-at-ledger-4294967295", BadArchive.Transactions, ProblemKind.Corrupt, uint.MaxValue, "entries lie inside the checkpoint",
            a =>
            {
                var records = a.Records(BadArchive.Transactions);
                var extra = records[^1].ToArray();
                BinaryPrimitives.WriteUInt32BigEndian(extra, uint.MaxValue);
                a.WriteRecords(BadArchive.Transactions, [.. records, extra]);
            }),

        // v = 0, no quorum sets, ledgerSeq 200, no messages.
        new("scp-outside-checkpoint", BadArchive.Scp, ProblemKind.Corrupt, 200, "SCP records lie inside the checkpoint",
            a => a.WriteRecords(BadArchive.Scp, [.. a.Records(BadArchive.Scp), BadArchive.BigEndian(0, 0, 200, 0)])),

        new("has-non-hex-hash", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "InvalidHash",
            a => a.WriteText(BadArchive.State, a.Text(BadArchive.State).Replace(BadArchive.BucketHash, "zz" + BadArchive.BucketHash[2..], StringComparison.Ordinal))),

        // Issue 10 row 9: .NET reads the last of two equal keys, stellar-core the first.
        new("has-duplicate-key", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "a key appears twice",
            a => a.WriteText(BadArchive.State, ReplaceFirst(a.Text(BadArchive.State), "\"server\": ", "\"server\": \"first\",\n    \"server\": "))),

        new("has-unknown-large-member", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "unknown member 'padding'",
            a => a.WriteText(BadArchive.State, ReplaceFirst(a.Text(BadArchive.State), "{", "{\n    \"padding\": \"" + new string('A', 4096) + "\","))),

        // Valid JSON padded with whitespace past the 1 MiB cap: only the one bounded HAS read stops it.
        new("has-too-large", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "TooLarge",
            a => a.WriteText(BadArchive.State, a.Text(BadArchive.State) + new string(' ', HistoryArchiveState.MaxFileSize))),

        new("has-not-json", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "Malformed",
            a => a.WriteText(BadArchive.State, "<html><body>Service Unavailable</body></html>")),

        new("has-zero-bytes", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "Malformed",
            a => a.Write(BadArchive.State, [])),

        new("has-ten-levels", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "LevelCount",
            a =>
            {
                var json = JsonNode.Parse(a.Text(BadArchive.State))!;
                json["currentBuckets"]!.AsArray().RemoveAt(10);
                a.WriteText(BadArchive.State, json.ToJsonString());
            }),

        // Issue 10 row 8: an HTML page named by its own SHA-256 as the pending merge of level 4 (state 1: its output is
        // not covered by the bucket-list hash, and stellar-core allows it there since every level from 4 down to 3's
        // snap is empty). It must be bucket XDR.
        new("bucket-html-named-by-its-hash", HtmlBucket, ProblemKind.Corrupt, null, "a bucket is well-formed bucket XDR",
            a =>
            {
                a.Write(HtmlBucket, BadArchive.Gzip(HtmlPage));
                a.WriteText(BadArchive.State, WithNext(a.Text(BadArchive.State), level: 4, new JsonObject { ["state"] = 1, ["output"] = HtmlBucketHash }));
            }) { DumpFails = true },

        // A bucket whose records frame correctly but whose second entry is of an unknown type.
        new("bucket-unknown-entry-type", UnknownEntryBucket, ProblemKind.Corrupt, null, "a bucket is well-formed bucket XDR",
            a =>
            {
                a.Write(UnknownEntryBucket, BadArchive.Gzip(UnknownEntryPlain));
                a.WriteText(BadArchive.State, WithNext(a.Text(BadArchive.State), level: 4, new JsonObject { ["state"] = 1, ["output"] = UnknownEntryBucket[^(64 + 7)..^7] }));
            }) { DumpFails = true },

        // stellar-core's containsValidBuckets: level 0 never has a pending merge.
        new("has-next-at-level-0", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "next must be clear at level 0",
            a => a.WriteText(BadArchive.State, WithNext(a.Text(BadArchive.State), level: 0, new JsonObject { ["state"] = 1, ["output"] = BadArchive.BucketHash }))),

        // Level 1's snap is a protocol 22 bucket: from protocol 12 on, level 2's future must be clear.
        new("has-future-not-cleared", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "future must be cleared",
            a => a.WriteText(BadArchive.State, WithNext(a.Text(BadArchive.State), level: 2, new JsonObject { ["state"] = 1, ["output"] = BadArchive.BucketHash })))
        {
            // Only the buckets' versions tell: the rule is applied once they are fetched.
            FailingWorkOverride = "download-buckets",
        },

        // Issue 10 row 8: the bucket-list hash covers the hot archive by HAS version, not by protocol: a version 2 state
        // at protocol 22 with a hot archive (of empty buckets) the header never bound. (A live bucket named in the hot
        // list is also in the wrong list: HotArchiveListCommandTests.)
        new("has-v2-unbound-hot-archive", BadArchive.State, ProblemKind.BucketListMismatch, BadArchive.Checkpoint, "bucket-list hash = header.bucketListHash",
            a =>
            {
                var json = JsonNode.Parse(a.Text(BadArchive.State))!;
                json["version"] = 2;
                var hot = new JsonArray();
                for (var i = 0; i < 11; i++)
                {
                    var zero = new string('0', 64);
                    hot.Add(new JsonObject { ["curr"] = zero, ["next"] = new JsonObject { ["state"] = 0 }, ["snap"] = zero });
                }

                json["hotArchiveBuckets"] = hot;
                a.WriteText(BadArchive.State, json.ToJsonString());
            })
        {
            // A download binds the HAS when the checkpoint's headers are verified (and drops one that does not bind).
            FailingWorkOverride = "download-ledger-",
        },

        new("has-current-ledger-differs", BadArchive.State, ProblemKind.Corrupt, BadArchive.Checkpoint, "a checkpoint HAS describes its checkpoint",
            a => a.WriteText(BadArchive.State, a.Text(BadArchive.State).Replace("\"currentLedger\": 127", "\"currentLedger\": 191", StringComparison.Ordinal))),
    ];

    /// <summary>The state's text with <paramref name="next"/> as the <c>next</c> of live level <paramref name="level"/>.</summary>
    private static string WithNext(string state, int level, JsonObject next)
    {
        var json = JsonNode.Parse(state)!;
        json["currentBuckets"]![level]!["next"] = next;
        return json.ToJsonString();
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return text[..at] + with + text[(at + what.Length)..];
    }

    private static byte[] UnknownEntry()
    {
        var source = System.IO.Path.Combine(Stellar.TestSupport.Fixtures.TestnetSmall, ArchivePaths.Bucket(BadArchive.BucketHash).Replace('/', System.IO.Path.DirectorySeparatorChar));
        var records = BadArchive.SplitRecords(BadArchive.Gunzip(File.ReadAllBytes(source)));
        BinaryPrimitives.WriteInt32BigEndian(records[1], 7);
        return BadArchive.Mark(records);
    }

    /// <summary>
    /// A <c>TransactionHistoryEntry</c> of ledger <paramref name="ledger"/> as large as the protocol allows (16 MiB):
    /// an empty legacy set and a generalized set of one phase of as many minimal components as fit.
    /// </summary>
    public static byte[] MinimalComponentsRecord(uint ledger)
    {
        const int cap = 16 << 20;
        const int head = 4 + 32 + 4 + 4 + 4 + 32 + 4 + 4 + 4;
        var count = (uint)((cap - head) / 12);
        var record = new byte[head + (count * 12)];
        BinaryPrimitives.WriteUInt32BigEndian(record, ledger);
        // legacy set: previous hash (zero), no transactions; ext v1; GeneralizedTransactionSet v1; previous hash (zero)
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(40), 1);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(44), 1);
        // one phase, v0, `count` components, each TXSET_COMP_TXS_MAYBE_DISCOUNTED_FEE without a fee or transactions (all zero)
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(80), 1);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(88), count);
        return record;
    }

    /// <summary>The record of ledger 128 (the first of the next checkpoint file in the real archive).</summary>
    private static byte[] Fixture127Plus1()
    {
        var next = System.IO.Path.Combine(Stellar.TestSupport.Fixtures.TestnetSmall, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 191).Replace('/', System.IO.Path.DirectorySeparatorChar));
        return BadArchive.SplitRecords(BadArchive.Gunzip(File.ReadAllBytes(next)))[0];
    }
}
