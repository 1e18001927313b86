using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.BadInput;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Tests.Download;

/// <summary>
/// Issue 10 row 13: one bad member of a pool must not defeat failover. The good member fails its first read of the
/// file under test (a transient failure), so whichever member the pool picks first, the bad member's copy is the one
/// the run gets first: every run is the hard case, not 2 of 8.
/// </summary>
public class PoolFailoverTests
{
    public static TheoryData<bool> Orders => new() { true, false };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Catchup_OneMemberServesAHasThatDoesNotBind_RefetchesItFromTheOtherMember(bool badFirst)
    {
        using var good = new BadArchive();
        using var bad = new BadArchive();

        // A well-formed HAS whose bucket list is not the header's: level 1's curr and snap swapped.
        var json = JsonNode.Parse(bad.Text(BadArchive.State))!;
        var level = json["currentBuckets"]![1]!;
        (level["curr"], level["snap"]) = (level["snap"]!.DeepClone(), level["curr"]!.DeepClone());
        bad.WriteText(BadArchive.State, json.ToJsonString());

        for (var run = 0; run < 3; run++)
        {
            var result = await RunAsync(good, bad, badFirst, BadArchive.State, trusted: null);

            result.Outcome.Succeeded.Should().BeTrue(string.Join("; ", result.Outcome.Works.Where(w => w.Error is not null).Select(w => $"{w.Name}: {w.Error!.Message}")));
            File.ReadAllText(Path.Combine(result.Work, BadArchive.State)).Should().Be(good.Text(BadArchive.State), "the HAS that binds is the one kept");
            result.Avoided.Should().Contain(a => a.Location.Contains(Path.GetFileName(bad.Root), StringComparison.Ordinal), "the member that served the bad HAS is avoided");
        }
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Catchup_OneMemberServesASelfConsistentFork_AvoidsItAndSucceeds(bool badFirst)
    {
        using var good = new BadArchive();
        using var bad = new BadArchive();
        var records = good.Records(BadArchive.Ledger);
        var trusted = new TrustedLedgerHash(BadArchive.Checkpoint, records[^1][..32]);

        // Ledger 127 with another close time: a header chain as sound as the real one, ending at another hash.
        var fork = records[^1].ToArray();
        const int closeTimeLow = 32 + 4 + 32 + 32 + 7;
        fork[closeTimeLow] ^= 1;
        SHA256.HashData(fork.AsSpan(32, fork.Length - 32 - 4)).CopyTo(fork, 0);
        bad.WriteRecords(BadArchive.Ledger, [.. records[..^1], fork]);

        for (var run = 0; run < 3; run++)
        {
            var result = await RunAsync(good, bad, badFirst, BadArchive.Ledger, trusted);

            result.Outcome.Succeeded.Should().BeTrue(string.Join("; ", result.Outcome.Works.Where(w => w.Error is not null).Select(w => $"{w.Name}: {w.Error!.Message}")));
            result.Avoided.Should().Contain(a => a.Location.Contains(Path.GetFileName(bad.Root), StringComparison.Ordinal), "the forked member is avoided");
        }
    }

    [Fact]
    public async Task Catchup_EveryMemberContradictsTheTrustedHash_FailsAsUntrusted()
    {
        using var one = new BadArchive();
        using var two = new BadArchive();
        var wrong = new TrustedLedgerHash(BadArchive.Checkpoint, new byte[32]);

        var result = await RunAsync(one, two, badFirst: false, BadArchive.Ledger, wrong);

        result.Outcome.Succeeded.Should().BeFalse();
        result.Outcome.Works.Should().Contain(w => w.Error is HistoryVerificationException && ((HistoryVerificationException)w.Error).Kind == ProblemKind.Untrusted, result.Outcome.ToString());
    }

    private static async Task<(WorkSchedulerResult Outcome, string Work, IReadOnlyList<IArchiveReader> Avoided)> RunAsync(
        BadArchive good, BadArchive bad, bool badFirst, string failFirst, TrustedLedgerHash? trusted)
    {
        IArchiveReader goodReader = new FirstReadFails(new LocalArchiveReader(good.Root), failFirst);
        IArchiveReader badReader = new LocalArchiveReader(bad.Root);
        var pool = new ArchivePool(
            badFirst ? [badReader, goodReader] : [goodReader, badReader],
            new ArchivePoolOptions { Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) });
        // Beside the damaged copy, so that disposing it removes the work directory too.
        var work = Path.Combine(good.Root, "work-" + Guid.NewGuid().ToString("N"));
        using var harness = new CatchupHarness(
            pool,
            new CheckpointRange(63, BadArchive.Checkpoint, CheckpointMath.Default),
            work,
            new HistoryWorkOptions { DownloadRetries = 3, TrustedHash = trusted });
        var outcome = await harness.RunAsync();
        return (outcome, work, pool.AvoidedArchives());
    }

    /// <summary>A member whose first read of one file fails as a transient error (a reset), then serves it.</summary>
    private sealed class FirstReadFails(IArchiveReader inner, string path) : IArchiveReader
    {
        private int _failed;

        public string Name => inner.Name;

        public string Location => inner.Location;

        public ValueTask<Stream> OpenReadAsync(string path1, CancellationToken cancellationToken = default) =>
            path1 == path && Interlocked.Exchange(ref _failed, 1) == 0
                ? throw new ArchiveTransientException(Name, path1, "connection reset (test)")
                : inner.OpenReadAsync(path1, cancellationToken);

        public ValueTask<bool> ExistsAsync(string path1, CancellationToken cancellationToken = default) => inner.ExistsAsync(path1, cancellationToken);
    }
}
