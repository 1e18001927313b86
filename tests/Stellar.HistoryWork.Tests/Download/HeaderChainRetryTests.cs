using System.IO.Compression;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Tests.Download;

public class HeaderChainRetryTests
{
    [Fact]
    public async Task Register_OlderLedgerFileIsASelfConsistentFork_RetryFetchesItAgainInsteadOfReusingIt()
    {
        using var archive = new TempDirectory();
        HistoryWorkBuilderTests.CopyDirectory(Fixtures.TestnetSmall, archive.Path);
        var older = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 9983);
        var pristine = File.ReadAllBytes(Path.Combine(archive.Path, older));
        ForkLastHeader(Path.Combine(archive.Path, older));

        using var work = new TempDirectory();
        using var state = new SharedHistoryState();
        var options = new HistoryWorkOptions { WorkDirectory = work.Path, DownloadRetries = WorkRetries.Once };
        var builder = new HistoryWorkBuilder(new LocalArchiveReader(archive.Path), new CheckpointRange(9983, 10047, CheckpointMath.Default), state, options);
        WorkId headers = default;
        var repaired = false;
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions
        {
            RetryDelay = _ => TimeSpan.FromMilliseconds(1),
            StateChanged = e =>
            {
                // The archive is repaired between the attempts, as a failover to a good mirror would be.
                if (e.Id == headers && e.State == WorkState.WaitingToRetry && !repaired)
                {
                    File.WriteAllBytes(Path.Combine(archive.Path, older), pristine);
                    repaired = true;
                }
            },
        });
        headers = builder.Register(scheduler).LedgerHeaders;

        var result = await scheduler.RunToCompletionAsync();

        repaired.Should().BeTrue("the first attempt met the fork");
        result[headers].Attempts.Should().Be(2);
        result.Succeeded.Should().BeTrue(HistoryWorkBuilderTests.Describe(result));
        File.ReadAllBytes(Path.Combine(work.Path, older)).Should().Equal(pristine);
    }

    [Fact]
    public async Task Register_OlderLedgerFileIsASelfConsistentFork_FailsAsAChainBreak()
    {
        using var archive = new TempDirectory();
        HistoryWorkBuilderTests.CopyDirectory(Fixtures.TestnetSmall, archive.Path);
        ForkLastHeader(Path.Combine(archive.Path, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 9983)));
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(archive.Path), new CheckpointRange(9983, 10047, CheckpointMath.Default), work.Path);
        harness.Options.DownloadRetries = WorkRetries.Never;

        var result = await harness.RunAsync();

        var error = result[harness.Ids!.LedgerHeaders].Error.Should().BeOfType<HistoryVerificationException>().Subject;
        error.Kind.Should().Be(ProblemKind.ChainBreak);
        error.Problem.Ledger.Should().Be(9984);
    }

    // Changes the last header of a ledger file and gives it its own correct hash: the file verifies on
    // its own, but the next file's first previousLedgerHash no longer points at it.
    private static void ForkLastHeader(string path)
    {
        var entries = new List<LedgerHeaderHistoryEntry>();
        using (var records = XdrRecordReader.OpenGzip(File.OpenRead(path)))
        {
            while (records.ReadNext())
            {
                entries.Add(records.DecodeCurrent<LedgerHeaderHistoryEntry>());
            }
        }

        var last = entries[^1];
        last.Header.FeePool += 1;
        last.Hash = StellarHashes.LedgerHeaderHash(last.Header);
        using var output = new GZipStream(File.Create(path), CompressionLevel.Optimal);
        using var writer = new XdrRecordWriter(output);
        foreach (var entry in entries)
        {
            writer.Write(entry);
        }
    }
}
