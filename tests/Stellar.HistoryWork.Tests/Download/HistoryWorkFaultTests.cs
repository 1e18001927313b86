using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Download;

/// <summary>The download work against archives that misbehave the way real mirrors do.</summary>
public class HistoryWorkFaultTests
{
    private static readonly CheckpointRange Range = new(9919, 10047, CheckpointMath.Default);

    [Fact]
    public async Task Register_ServerWithTransientFaultsOnEveryKindOfFile_SucceedsThroughRetries()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        var bucket = ArchivePaths.Bucket(FirstLiveBucket(10047));
        var faults = new (string Path, HttpFault Fault)[]
        {
            (ArchivePaths.HistoryState(10047), HttpFault.Status(503, times: 2)),
            (bucket, HttpFault.Status(500, times: 2)),
            (ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 9983), HttpFault.Status(429, times: 1, retryAfter: TimeSpan.Zero)),
            (ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 10047), HttpFault.Truncated()),
            (ArchivePaths.CheckpointFile(HistoryFileKind.Results, 9983), HttpFault.Corrupt()),
            (ArchivePaths.CheckpointFile(HistoryFileKind.Scp, 10047), HttpFault.Reset()),
        };
        foreach (var (path, fault) in faults)
        {
            server.AddFault(path, fault);
        }

        using var work = new TempDirectory();
        using var reader = new HttpArchiveReader(server.BaseUri);
        var pool = new ArchivePool([reader], FastPool());
        using var harness = new CatchupHarness(pool, Range, work.Path);

        var result = await harness.RunAsync();

        result.Succeeded.Should().BeTrue(HistoryWorkBuilderTests.Describe(result));
        foreach (var (path, _) in faults)
        {
            server.RequestCount(path).Should().BeGreaterThan(1, $"{path} failed once and was fetched again");
            File.ReadAllBytes(Path.Combine(work.Path, path)).Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, path)), path);
        }

        Directory.EnumerateFiles(work.Path, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task Register_FilesMissingOrCorruptOnOneArchive_FetchesThemFromTheOther()
    {
        await using var broken = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        await using var healthy = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        var missingBucket = ArchivePaths.Bucket(FirstLiveBucket(10047));
        var corruptLedger = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 10047);
        broken.AddFault(missingBucket, HttpFault.NotFound());
        broken.AddFault(corruptLedger, HttpFault.Corrupt(times: int.MaxValue));

        using var work = new TempDirectory();
        using var first = new HttpArchiveReader(broken.BaseUri);
        using var second = new HttpArchiveReader(healthy.BaseUri);
        using var harness = new CatchupHarness(new ArchivePool([first, second], FastPool()), Range, work.Path);

        var result = await harness.RunAsync();

        result.Succeeded.Should().BeTrue(HistoryWorkBuilderTests.Describe(result));
        healthy.RequestCount(missingBucket).Should().Be(1);
        healthy.RequestCount(corruptLedger).Should().BeGreaterThanOrEqualTo(1);
        File.ReadAllBytes(Path.Combine(work.Path, corruptLedger)).Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, corruptLedger)));
    }

    [Fact]
    public async Task Register_BucketWhoseContentDoesNotMatchItsName_IsNeverStoredAndIsRetried()
    {
        using var archive = new TempDirectory();
        HistoryWorkBuilderTests.CopyDirectory(Fixtures.TestnetSmall, archive.Path);
        var hashes = LiveBuckets(10047);
        var victim = ArchivePaths.Bucket(hashes[0]);
        File.Copy(Path.Combine(archive.Path, ArchivePaths.Bucket(hashes[1])), Path.Combine(archive.Path, victim), overwrite: true);

        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(archive.Path), new CheckpointRange(10047, 10047, CheckpointMath.Default), work.Path);
        harness.Options.DownloadRetries = WorkRetries.Once;

        var result = await harness.RunAsync();

        var buckets = result[harness.Ids!.Buckets];
        buckets.State.Should().Be(WorkState.Failed);
        buckets.Attempts.Should().Be(2);
        buckets.Error!.Message.Should().Contain(victim).And.Contain("hash");
        File.Exists(Path.Combine(work.Path, victim)).Should().BeFalse();
        File.Exists(Path.Combine(work.Path, ArchivePaths.Bucket(hashes[1]))).Should().BeTrue("the good buckets verified and stay");
    }

    [Fact]
    public async Task Register_CancelledWhileABucketStalls_LeavesOnlyVerifiedFilesAndARerunFinishes()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        var stalled = ArchivePaths.Bucket(FirstLiveBucket(10047));
        server.AddFault(stalled, HttpFault.Stall(times: 1));
        using var work = new TempDirectory();
        using var cancellation = new CancellationTokenSource();
        using (var reader = new HttpArchiveReader(server.BaseUri))
        using (var harness = new CatchupHarness(reader, Range, work.Path))
        {
            var run = harness.RunAsync(cancellationToken: cancellation.Token);
            await WaitUntilAsync(() => server.RequestCount(stalled) > 0 && harness.Scheduler is not null && harness.Scheduler.GetState(harness.Ids!.Results) == WorkState.Succeeded);
            await cancellation.CancelAsync();
            var result = await run;

            result.Succeeded.Should().BeFalse();
            result.WasCancelled.Should().BeTrue();
        }

        File.Exists(Path.Combine(work.Path, stalled)).Should().BeFalse("the stalled bucket never verified");
        Directory.EnumerateFiles(work.Path, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
        var kept = Directory.EnumerateFiles(work.Path, "*", SearchOption.AllDirectories).ToList();
        kept.Should().NotBeEmpty();
        foreach (var file in kept)
        {
            File.ReadAllBytes(file).Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, Path.GetRelativePath(work.Path, file))));
        }

        var requestsBefore = server.TotalRequests;
        using var again = new HttpArchiveReader(server.BaseUri);
        using var rerun = new CatchupHarness(again, Range, work.Path);
        var second = await rerun.RunAsync();

        second.Succeeded.Should().BeTrue(HistoryWorkBuilderTests.Describe(second));
        server.RequestCount(stalled).Should().Be(2);
        (server.TotalRequests - requestsBefore).Should().BeLessThan(kept.Count, "what was verified before is reused");
    }

    private static ArchivePoolOptions FastPool() => new()
    {
        Delay = TimeSpan.FromMilliseconds(5),
        MaxDelay = TimeSpan.FromMilliseconds(20),
        UnhealthyDuration = TimeSpan.FromSeconds(30),
    };

    private static IReadOnlyList<string> LiveBuckets(uint checkpoint) =>
        HistoryArchiveState.Parse(File.ReadAllText(Path.Combine(Fixtures.TestnetSmall, ArchivePaths.HistoryState(checkpoint))), "has").GetReferencedLiveBuckets();

    private static string FirstLiveBucket(uint checkpoint) => LiveBuckets(checkpoint)[0];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition never became true.");
            }

            await Task.Delay(20);
        }
    }
}
