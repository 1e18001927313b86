using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests;

/// <summary>The README's quick start, run as written against real archives on disk, so the docs stay true.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public async Task QuickStart_PoolOfTwoArchivesWithTrustedHash_CatchesUpAndHandsOverVerifiedData()
    {
        var ct = CancellationToken.None;
        using var work = new TempDirectory();
        var newest = Download.HistoryWorkBuilderTests.NewestHeaderHash(Fixtures.TestnetSmall, 10047);
        var archives = new ArchivePool([new LocalArchiveReader(Fixtures.TestnetSmall), ArchiveReader.FromLocation(new Uri(Fixtures.TestnetSmall).AbsoluteUri)]);
        var options = new HistoryWorkOptions
        {
            WorkDirectory = work.Path,
            TrustedHash = TrustedLedgerHash.Parse("10047:" + Convert.ToHexStringLower(newest)),
            NetworkPassphrase = "Test SDF Network ; September 2015",
        };

        using var state = new SharedHistoryState();
        var builder = new HistoryWorkBuilder(archives, new CheckpointRange(63, 10047, options.Checkpoints), state, options);
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { MaxConcurrency = 16 });
        var ids = builder.Register(scheduler);
        var run = scheduler.RunToCompletionAsync(ct);
        var messages = new List<string>();
        while (!run.IsCompleted)
        {
            messages.Add((await state.GetProgressAsync(ct)).Message);
            await Task.WhenAny(run, Task.Delay(50, ct));
        }

        var result = await run;
        result.Succeeded.Should().BeTrue();
        ids.All.Should().OnlyContain(id => scheduler.GetState(id) == WorkState.Succeeded);
        messages.Should().NotBeEmpty();

        var data = await state.BuildCheckpointDataAsync(ct);
        data.IsTrusted.Should().BeTrue();
        data.Headers.Should().HaveCount(10047);
        data.LiveBuckets.Values.Should().OnlyContain(path => File.Exists(path));

        var report = await new ArchiveVerifier(ArchiveReader.FromLocation(Fixtures.TestnetSmall), new ArchiveVerifierOptions { MaxConcurrency = 16 }).VerifyAsync(ct);
        report.Problems.Should().BeEmpty();
        report.Ok.Should().BeTrue();
    }
}
