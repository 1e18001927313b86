using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive;

public class ArchivePathsTests
{
    [Fact]
    public void CheckpointFile_Ledger63_MatchesTheDocumentedExample()
    {
        ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 63).Should().Be("ledger/00/00/00/ledger-0000003f.xdr.gz");
    }

    [Theory]
    [InlineData(HistoryFileKind.Transactions, 12000063u, "transactions/00/b7/1b/transactions-00b71b3f.xdr.gz")]
    [InlineData(HistoryFileKind.Results, 127u, "results/00/00/00/results-0000007f.xdr.gz")]
    [InlineData(HistoryFileKind.Scp, 10047u, "scp/00/00/27/scp-0000273f.xdr.gz")]
    public void CheckpointFile_Kinds_UseTheirCategory(HistoryFileKind kind, uint checkpoint, string expected)
    {
        ArchivePaths.CheckpointFile(kind, checkpoint).Should().Be(expected);
    }

    [Fact]
    public void HistoryState_Checkpoint_IsJson()
    {
        ArchivePaths.HistoryState(0x00b71cff).Should().Be("history/00/b7/1c/history-00b71cff.json");
    }

    [Fact]
    public void Bucket_Hash_UsesFirstThreeBytes()
    {
        const string hash = "d2ce635a2d1b1cebc6fe1110b80112a1ad0d4c6b125509f13ba4d92df5a3c7b8";
        ArchivePaths.Bucket(hash).Should().Be($"bucket/d2/ce/63/bucket-{hash}.xdr.gz");
        ArchivePaths.Bucket(HashHex.Parse(hash)).Should().Be(ArchivePaths.Bucket(hash));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("D2CE635A2D1B1CEBC6FE1110B80112A1AD0D4C6B125509F13BA4D92DF5A3C7B8")]
    [InlineData("d2ce")]
    public void Bucket_EmptyOrInvalidHash_Throws(string hash)
    {
        var act = () => ArchivePaths.Bucket(hash);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void TryParse_EveryFileOfTheRealArchives_RoundTrips()
    {
        var count = 0;
        foreach (var archive in new[] { Fixtures.TestnetSmall, Fixtures.PubnetLegacy, Fixtures.TestnetHotArchive })
        {
            foreach (var file in Directory.EnumerateFiles(archive, "*", SearchOption.AllDirectories))
            {
                var path = Path.GetRelativePath(archive, file).Replace('\\', '/');
                count++;
                if (path == ArchivePaths.WellKnownState)
                {
                    continue;
                }

                if (ArchivePaths.TryParseHistoryState(path, out var hasCheckpoint))
                {
                    ArchivePaths.HistoryState(hasCheckpoint).Should().Be(path);
                }
                else if (ArchivePaths.TryParseCheckpointFile(path, out var kind, out var checkpoint))
                {
                    ArchivePaths.CheckpointFile(kind, checkpoint).Should().Be(path);
                }
                else if (ArchivePaths.TryParseBucket(path, out var hash))
                {
                    ArchivePaths.Bucket(hash).Should().Be(path);
                }
                else
                {
                    throw new Xunit.Sdk.XunitException("unrecognised archive file " + path);
                }
            }
        }

        count.Should().BeGreaterThan(2000);
    }

    [Theory]
    [InlineData("ledger/00/00/01/ledger-0000003f.xdr.gz")]
    [InlineData("ledger/00/00/00/ledger-0000003F.xdr.gz")]
    [InlineData("ledger/00/00/00/results-0000003f.xdr.gz")]
    [InlineData("ledger/00/00/00/ledger-0000003f.xdr")]
    [InlineData("/ledger/00/00/00/ledger-0000003f.xdr.gz")]
    [InlineData("history/00/00/00/history-0000003f.xdr.gz")]
    [InlineData("bucket/00/00/00/bucket-d2ce635a2d1b1cebc6fe1110b80112a1ad0d4c6b125509f13ba4d92df5a3c7b8.xdr.gz")]
    public void TryParse_MalformedPaths_AreRejected(string path)
    {
        ArchivePaths.TryParseCheckpointFile(path, out _, out _).Should().BeFalse();
        ArchivePaths.TryParseHistoryState(path, out _).Should().BeFalse();
        ArchivePaths.TryParseBucket(path, out _).Should().BeFalse();
    }
}
