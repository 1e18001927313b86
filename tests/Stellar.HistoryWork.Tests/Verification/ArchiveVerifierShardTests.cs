using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using static Stellar.HistoryWork.Tests.Verification.VerificationFixtures;

namespace Stellar.HistoryWork.Tests.Verification;

/// <summary>A run of one shard (issue 14): its slice, each bucket once across shards, the job's trusted hash, the chain ends.</summary>
public class ArchiveVerifierShardTests
{
    private const uint Last = 10047;

    [Fact]
    public async Task VerifyAsync_EightShards_AddUpToOneRunAndLinkByHash()
    {
        var whole = await new ArchiveVerifier(new LocalArchiveReader(Fixtures.TestnetSmall), new ArchiveVerifierOptions { ToLedger = Last, MaxConcurrency = 4 }).VerifyAsync();

        var shards = await ShardsAsync(8, trusted: null);

        shards.Should().OnlyContain(r => r.Ok && r.Shard != null && r.Shard.JobLedgers == new LedgerRange(whole.FromLedger!.Value, Last));
        shards.Sum(r => r.Checkpoints).Should().Be(whole.Checkpoints);
        shards.Sum(r => r.Files).Should().Be(whole.Files, "each bucket once, the root state once");
        shards.Sum(r => r.Bytes).Should().Be(whole.Bytes);
        shards[^1].Shard!.BucketsLeftBelow.Should().Be(0, "the lowest slice takes all of its own");
        shards[0].ToLedger.Should().Be(Last);
        shards[^1].FromLedger.Should().Be(whole.FromLedger);
        for (var i = 0; i < shards.Length - 1; i++)
        {
            var newer = shards[i].Shard!;
            var older = shards[i + 1].Shard!;
            newer.FirstFile!.FirstLedger.Should().Be(older.LastFile!.LastLedger + 1);
            newer.FirstFile.FirstPreviousHash.Should().Equal(older.LastFile.LastHash);
            newer.BucketsLeftBelow.Should().BePositive("a slice's oldest HAS shares buckets with the one below it");
        }
    }

    [Fact]
    public async Task VerifyAsync_TrustedHashOutsideTheSlice_RecordedNotRejected()
    {
        var headers = await VerifyHeadersAsync(Fixtures.TestnetSmall, Last);
        var trusted = new TrustedLedgerHash(Last, headers.Last.Hash);

        var shards = await ShardsAsync(4, trusted);

        shards.Should().OnlyContain(r => r.Ok, "the job's trusted hash is no problem for a shard that does not hold it");
        shards[0].TrustedUpTo.Should().Be(Last);
        shards.Skip(1).Should().OnlyContain(r => r.TrustedUpTo == null);
    }

    [Fact]
    public void Constructor_ShardWithoutToLedger_Throws()
    {
        var act = () => new ArchiveVerifier(new LocalArchiveReader(Fixtures.TestnetSmall), new ArchiveVerifierOptions { Shard = new ArchiveShard(0, 2) });

        act.Should().Throw<ArgumentException>().WithMessage("*ToLedger*");
    }

    private static async Task<VerificationReport[]> ShardsAsync(int count, TrustedLedgerHash? trusted)
    {
        var reports = new VerificationReport[count];
        for (var i = 0; i < count; i++)
        {
            var options = new ArchiveVerifierOptions { ToLedger = Last, MaxConcurrency = 4, Shard = new ArchiveShard(i, count), TrustedHash = trusted };
            reports[i] = await new ArchiveVerifier(new LocalArchiveReader(Fixtures.TestnetSmall), options).VerifyAsync();
        }

        return reports;
    }
}
