using System.Security.Cryptography;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;
using static Stellar.HistoryWork.Tests.Download.WorkRunner;

namespace Stellar.HistoryWork.Tests.Download;

public class FetchRecentQsetsWorkTests
{
    [Fact]
    public async Task RunAsync_LastHundredTestnetCheckpoints_CollectsEveryQuorumSetTheStatementsName()
    {
        using var work = new TempDirectory();
        var reader = new CountingArchiveReader(new LocalArchiveReader(Fixtures.TestnetSmall));
        var fetch = new FetchRecentQsetsWork(reader, 10047, new HistoryWorkOptions { WorkDirectory = work.Path });

        var result = await RunAsync(fetch);

        result.State.Should().Be(WorkState.Succeeded, result.Reason);
        (fetch.Range == new CheckpointRange(10047 - (99 * 64), 10047, CheckpointMath.Default)).Should().BeTrue(fetch.Range.ToString());
        reader.Opened.Should().HaveCount(100).And.OnlyContain(p => p.StartsWith("scp/", StringComparison.Ordinal));
        fetch.QuorumSets.Should().NotBeEmpty();
        foreach (var (hash, quorumSet) in fetch.QuorumSets)
        {
            Convert.ToHexStringLower(SHA256.HashData(quorumSet.ToXdr())).Should().Be(hash);
        }

        // Independent of the hash rule under test: SCP statements name their quorum sets by hash.
        var named = NamedQuorumSets(Fixtures.TestnetSmall, fetch.Range);
        named.Should().NotBeEmpty();
        fetch.QuorumSets.Keys.Should().BeEquivalentTo(named);
    }

    [Fact]
    public async Task RunAsync_NearGenesis_LooksBackOnlyToTheFirstCheckpoint()
    {
        using var work = new TempDirectory();
        var fetch = new FetchRecentQsetsWork(new LocalArchiveReader(Fixtures.TestnetSmall), 100, new HistoryWorkOptions { WorkDirectory = work.Path });

        (await RunAsync(fetch)).State.Should().Be(WorkState.Succeeded);

        (fetch.Range == new CheckpointRange(63, 127, CheckpointMath.Default)).Should().BeTrue(fetch.Range.ToString());
        fetch.QuorumSets.Keys.Should().BeEquivalentTo(NamedQuorumSets(Fixtures.TestnetSmall, fetch.Range));
    }

    [Fact]
    public async Task RunAsync_NoScpBeforeSomeCheckpoint_IsTolerated()
    {
        using var archive = CopyFolders(Fixtures.TestnetSmall, "scp");
        foreach (var checkpoint in new uint[] { 9727, 9791 })
        {
            File.Delete(Local(archive.Path, ArchivePaths.CheckpointFile(HistoryFileKind.Scp, checkpoint)));
        }

        using var work = new TempDirectory();
        var fetch = new FetchRecentQsetsWork(new LocalArchiveReader(archive.Path), 10047, new HistoryWorkOptions { WorkDirectory = work.Path }, checkpointCount: 6);

        var result = await RunAsync(fetch);

        result.State.Should().Be(WorkState.Succeeded, result.Reason);
        fetch.QuorumSets.Keys.Should().BeEquivalentTo(NamedQuorumSets(archive.Path, new CheckpointRange(9855, 10047, CheckpointMath.Default)));
    }

    [Fact]
    public async Task RunAsync_ScpMissingAfterACheckpointThatHasOne_FailsNamingTheFile()
    {
        using var archive = CopyFolders(Fixtures.TestnetSmall, "scp");
        var gone = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, 9919);
        File.Delete(Local(archive.Path, gone));
        using var work = new TempDirectory();
        var fetch = new FetchRecentQsetsWork(new LocalArchiveReader(archive.Path), 10047, new HistoryWorkOptions { WorkDirectory = work.Path }, checkpointCount: 6);

        var result = await RunAsync(fetch, WorkRetries.Once);

        result.State.Should().Be(WorkState.Failed);
        result.Attempts.Should().Be(2);
        var problem = result.Error.Should().BeOfType<HistoryVerificationException>().Which.Problem;
        problem.Kind.Should().Be(ProblemKind.Missing);
        problem.Path.Should().Be(gone);
        fetch.QuorumSets.Should().BeEmpty();
    }

    [Fact]
    public void Constructor_NoCheckpoints_Throws()
    {
        var act = () => new FetchRecentQsetsWork(new LocalArchiveReader(Fixtures.TestnetSmall), 10047, checkpointCount: 0);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static HashSet<string> NamedQuorumSets(string archive, CheckpointRange range)
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var checkpoint in range)
        {
            var file = Local(archive, ArchivePaths.CheckpointFile(HistoryFileKind.Scp, checkpoint));
            if (!File.Exists(file))
            {
                continue;
            }

            using var records = XdrRecordReader.OpenGzip(File.OpenRead(file));
            while (records.ReadNext())
            {
                foreach (var envelope in records.DecodeCurrent<SCPHistoryEntry>().V0!.LedgerMessages.Messages)
                {
                    var pledges = envelope.Statement.Pledges;
                    var hash = pledges.Prepare?.QuorumSetHash ?? pledges.Confirm?.QuorumSetHash ?? pledges.Externalize?.CommitQuorumSetHash ?? pledges.Nominate!.QuorumSetHash;
                    hashes.Add(Convert.ToHexStringLower(hash));
                }
            }
        }

        return hashes;
    }
}
