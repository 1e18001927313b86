using System.Security.Cryptography;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive;

public class BucketListHashTests
{
    public static TheoryData<string> Archives() => new() { "testnet-2025-small", "pubnet-2017-legacy-txsets", "testnet-2026-hot-archive" };

    [Theory]
    [MemberData(nameof(Archives))]
    public void ComputeBucketListHash_EveryCheckpointHas_MatchesItsLedgerHeader(string archiveName)
    {
        var archive = Path.Combine(Fixtures.Archives, archiveName);
        var checked_ = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(archive, "history"), "*.json", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(archive, file).Replace('\\', '/');
            ArchivePaths.TryParseHistoryState(relative, out var checkpoint).Should().BeTrue();
            var state = HistoryArchiveState.Parse(File.ReadAllBytes(file), relative);
            state.CurrentLedger.Should().Be(checkpoint);

            var header = LedgerHeaderTestReader.ReadGzipFile(Path.Combine(archive, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint)))
                .Single(h => h.LedgerSeq == checkpoint);

            HashHex.ToHex(state.ComputeBucketListHash()).Should().Be(HashHex.ToHex(header.BucketListHash), relative);
            checked_++;
        }

        checked_.Should().BeGreaterThan(1);
    }

    [Fact]
    public void ComputeBucketListHash_HotArchiveCheckpoint127_CombinesLiveAndHot()
    {
        var archive = Fixtures.TestnetHotArchive;
        var state = HistoryArchiveState.Parse(File.ReadAllBytes(Path.Combine(archive, ArchivePaths.HistoryState(127))), "127");
        var header = LedgerHeaderTestReader.ReadGzipFile(Path.Combine(archive, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 127))).Single(h => h.LedgerSeq == 127);

        header.ProtocolVersion.Should().BeGreaterThanOrEqualTo(HistoryArchiveState.FirstProtocolWithHotArchive);
        var live = BucketListHash.ComputeList(state.CurrentBuckets);
        var hot = BucketListHash.ComputeList(state.HotArchiveBuckets!);

        state.ComputeBucketListHash().Should().Equal(header.BucketListHash);
        state.ComputeBucketListHash().Should().Equal(SHA256.HashData([.. live, .. hot]));
        live.Should().NotEqual(header.BucketListHash, "from protocol 23 the live list alone is not the header's hash");
    }

    [Fact]
    public void ComputeList_AllEmptyLevels_HashesZeroPairs()
    {
        var levels = Enumerable.Repeat(HistoryStateBucket.Empty, 11).ToArray();
        var levelHash = SHA256.HashData(new byte[64]);
        var expected = SHA256.HashData(Enumerable.Repeat(levelHash, 11).SelectMany(h => h).ToArray());

        BucketListHash.ComputeList(levels).Should().Equal(expected);
    }

    [Fact]
    public void ComputeList_IgnoresNext()
    {
        var levels = Enumerable.Repeat(HistoryStateBucket.Empty, 11).ToArray();
        var withMerge = levels.ToArray();
        withMerge[3] = withMerge[3] with { Next = FutureBucket.WithOutput(new string('a', 64)) };

        BucketListHash.ComputeList(withMerge).Should().Equal(BucketListHash.ComputeList(levels));
    }
}
