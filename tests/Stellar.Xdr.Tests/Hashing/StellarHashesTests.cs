using System.Text.Json;
using Stellar.TestSupport;

namespace Stellar.Xdr.Tests.Hashing;

public class StellarHashesTests
{
    public static TheoryData<string> ArchiveNames() => new(ArchiveFiles.Archives.Select(Path.GetFileName)!);

    public static TheoryData<string> DerivedNames() =>
        new(Directory.EnumerateDirectories(Path.Combine(Fixtures.Xdr, "derived")).Order(StringComparer.Ordinal).Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(ArchiveNames))]
    public void LedgerHeaderHash_EveryArchiveHeader_EqualsStoredEntryHash(string archiveName)
    {
        var archive = Path.Combine(Fixtures.Archives, archiveName);
        var headers = ReadHeaders(archive);
        headers.Should().NotBeEmpty();
        foreach (var entry in headers.Values)
        {
            StellarHashes.LedgerHeaderHash(entry.Header).Should().Equal(entry.Hash, "ledger {0}", entry.Header.LedgerSeq);
        }
    }

    [Theory]
    [MemberData(nameof(ArchiveNames))]
    public void TransactionSetHash_EveryArchiveTransactionEntry_EqualsHeaderTxSetHash(string archiveName)
    {
        var archive = Path.Combine(Fixtures.Archives, archiveName);
        var headers = ReadHeaders(archive);
        var checkedCount = 0;
        foreach (var file in ArchiveFiles.Files(archive, "transactions"))
        {
            foreach (var record in ArchiveFiles.Records(file))
            {
                var entry = TransactionHistoryEntry.FromXdr(record);
                var header = headers[entry.LedgerSeq].Header;
                StellarHashes.TransactionSetHash(entry).Should().Equal(header.ScpValue.TxSetHash, "ledger {0} of {1}", entry.LedgerSeq, file);
                checkedCount++;
            }
        }

        // The hot-archive subset has only empty (0-byte) transaction files; the other two have thousands of entries.
        checkedCount.Should().BeGreaterThanOrEqualTo(archiveName == "testnet-2026-hot-archive" ? 0 : 1);
    }

    [Theory]
    [MemberData(nameof(ArchiveNames))]
    public void TransactionResultSetHash_EveryArchiveResultEntry_EqualsHeaderTxSetResultHash(string archiveName)
    {
        var archive = Path.Combine(Fixtures.Archives, archiveName);
        var headers = ReadHeaders(archive);
        var checkedCount = 0;
        foreach (var file in ArchiveFiles.Files(archive, "results"))
        {
            foreach (var record in ArchiveFiles.Records(file))
            {
                var entry = TransactionHistoryResultEntry.FromXdr(record);
                StellarHashes.TransactionResultSetHash(entry.TxResultSet)
                    .Should().Equal(headers[entry.LedgerSeq].Header.TxSetResultHash, "ledger {0} of {1}", entry.LedgerSeq, file);
                checkedCount++;
            }
        }

        checkedCount.Should().BeGreaterThanOrEqualTo(archiveName == "testnet-2026-hot-archive" ? 0 : 1);
    }

    [Fact]
    public void LegacyTransactionSetHash_PubnetLegacyArchive_UsesLegacyEntries()
    {
        var legacy = ArchiveFiles.Files(Fixtures.PubnetLegacy, "transactions")
            .SelectMany(ArchiveFiles.Records)
            .Select(r => TransactionHistoryEntry.FromXdr(r))
            .ToList();
        legacy.Should().NotBeEmpty().And.OnlyContain(e => e.Ext.Discriminant == 0);
        var entry = legacy.First(e => e.TxSet.Txs.Length > 1);
        var swapped = new TransactionSet { PreviousLedgerHash = entry.TxSet.PreviousLedgerHash, Txs = [.. entry.TxSet.Txs.Reverse()] };
        StellarHashes.LegacyTransactionSetHash(swapped).Should().NotEqual(StellarHashes.LegacyTransactionSetHash(entry.TxSet), "order matters");
    }

    [Fact]
    public void TransactionSetHash_TestnetArchive_IncludesGeneralizedSets()
    {
        var generalized = ArchiveFiles.Files(Fixtures.TestnetSmall, "transactions")
            .SelectMany(ArchiveFiles.Records)
            .Count(r => TransactionHistoryEntry.FromXdr(r).Ext.Discriminant == 1);
        generalized.Should().BeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(DerivedNames))]
    public void Hashes_DerivedVectors_MatchExpectedJson(string name)
    {
        var directory = Path.Combine(Fixtures.Xdr, "derived", name);
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "expected.json")));
        var ledgers = expected.RootElement.GetProperty("ledgers").EnumerateArray()
            .ToDictionary(l => l.GetProperty("ledgerSeq").GetUInt32());

        var headers = ArchiveFiles.Records(Path.Combine(directory, "ledger.xdr")).Select(r => LedgerHeaderHistoryEntry.FromXdr(r)).ToList();
        headers.Should().NotBeEmpty();
        foreach (var entry in headers)
        {
            var want = ledgers[entry.Header.LedgerSeq];
            Hex(StellarHashes.LedgerHeaderHash(entry.Header)).Should().Be(want.GetProperty("headerHash").GetString());
            Hex(entry.Hash).Should().Be(want.GetProperty("headerHash").GetString());
            Hex(entry.Header.ScpValue.TxSetHash).Should().Be(want.GetProperty("txSetHash").GetString());
            Hex(entry.Header.TxSetResultHash).Should().Be(want.GetProperty("txSetResultHash").GetString());
        }

        foreach (var record in ArchiveFiles.Records(Path.Combine(directory, "transactions.xdr")))
        {
            var entry = TransactionHistoryEntry.FromXdr(record);
            Hex(StellarHashes.TransactionSetHash(entry)).Should().Be(ledgers[entry.LedgerSeq].GetProperty("txSetHash").GetString());
        }

        foreach (var record in ArchiveFiles.Records(Path.Combine(directory, "results.xdr")))
        {
            var entry = TransactionHistoryResultEntry.FromXdr(record);
            Hex(StellarHashes.TransactionResultSetHash(entry.TxResultSet)).Should().Be(ledgers[entry.LedgerSeq].GetProperty("txSetResultHash").GetString());
        }

        foreach (var file in expected.RootElement.GetProperty("files").EnumerateObject())
        {
            var path = Path.Combine(directory, file.Name);
            ArchiveFiles.Records(path).Should().HaveCount(file.Value.GetProperty("records").GetInt32(), file.Name);
            Hex(StellarHashes.Sha256(File.ReadAllBytes(path))).Should().Be(file.Value.GetProperty("sha256_of_file").GetString());
        }
    }

    [Fact]
    public void TransactionHash_SdkEnvelopes_ReproduceTheirHashes()
    {
        using var vectors = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.Xdr, "sdk", "tx-envelopes.json")));
        var hashed = 0;
        foreach (var vector in vectors.RootElement.GetProperty("vectors").EnumerateArray())
        {
            if (!vector.TryGetProperty("envelopeType", out _))
            {
                continue;
            }

            var id = vector.GetProperty("id").GetString();
            var bytes = Convert.FromBase64String(vector.GetProperty("xdrBase64").GetString()!);
            var envelope = TransactionEnvelope.FromXdr(bytes);
            envelope.ToXdr().Should().Equal(bytes, id);
            envelope.Discriminant.ToString().Should().Be(vector.GetProperty("envelopeType").GetString(), id);
            var networkId = vector.TryGetProperty("networkId", out var given)
                ? Convert.FromHexString(given.GetString()!)
                : StellarHashes.NetworkId(vector.GetProperty("network").GetString()!);
            var want = vector.TryGetProperty("expectedHash", out var asserted) ? asserted : vector.GetProperty("derivedHash");
            Hex(StellarHashes.TransactionHash(envelope, networkId)).Should().Be(want.GetString(), id);
            if (vector.TryGetProperty("expectedInnerTxHash", out var inner))
            {
                Hex(StellarHashes.TransactionHash(envelope.FeeBump!.Tx.InnerTx.V1!.Tx, networkId)).Should().Be(inner.GetString(), id);
            }

            hashed++;
        }

        hashed.Should().BeGreaterThanOrEqualTo(6);
    }

    [Fact]
    public void TransactionEnvelope_NonUtf8Memo_KeepsItsBytes()
    {
        using var vectors = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.Xdr, "sdk", "tx-envelopes.json")));
        var vector = vectors.RootElement.GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("id").GetString() == "js-non-utf8-memo");
        var envelope = TransactionEnvelope.FromXdr(Convert.FromBase64String(vector.GetProperty("xdrBase64").GetString()!));
        var memo = envelope.V0!.Tx.Memo.Text!;
        memo.Span.ToArray().Should().Equal(0xD1);
        memo.IsValidUtf8.Should().BeFalse();
    }

    [Fact]
    public void Decode_SdkRootTypeVectors_RoundTrip()
    {
        using var vectors = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.Xdr, "sdk", "tx-envelopes.json")));
        var count = 0;
        foreach (var vector in vectors.RootElement.GetProperty("vectors").EnumerateArray())
        {
            if (!vector.TryGetProperty("rootType", out var rootType))
            {
                continue;
            }

            var bytes = Convert.FromBase64String(vector.GetProperty("xdrBase64").GetString()!);
            var type = XdrTypes.Get(rootType.GetString()!);
            type.ToXdr(type.Decode(bytes)).Should().Equal(bytes);
            count++;
        }

        count.Should().BeGreaterThan(0);
    }

    [Fact]
    public void TransactionResultSetHash_EmptySet_IsHashOfZeroCount()
    {
        Hex(StellarHashes.TransactionResultSetHash(new TransactionResultSet { Results = [] }))
            .Should().Be(Hex(StellarHashes.Sha256([0, 0, 0, 0])));
    }

    private static Dictionary<uint, LedgerHeaderHistoryEntry> ReadHeaders(string archive)
    {
        var headers = new Dictionary<uint, LedgerHeaderHistoryEntry>();
        foreach (var file in ArchiveFiles.Files(archive, "ledger"))
        {
            foreach (var record in ArchiveFiles.Records(file))
            {
                var entry = LedgerHeaderHistoryEntry.FromXdr(record);
                headers[entry.Header.LedgerSeq] = entry;
            }
        }

        return headers;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
