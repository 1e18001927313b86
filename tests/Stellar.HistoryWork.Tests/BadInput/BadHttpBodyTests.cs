using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Download;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Tests.BadInput;

/// <summary>
/// An HTTP archive that never delivers a whole file — a 200 with a short body, a reset mid-body, a stall —
/// must end in a typed error naming the file, in bounded time, with nothing of the file left behind.
/// </summary>
public class BadHttpBodyTests
{
    private static readonly HttpArchiveReaderOptions ShortStall = new() { StallTimeout = TimeSpan.FromMilliseconds(1500) };

    public static TheoryData<string, string, string> Faults => new()
    {
        { "short-body", BadArchive.Ledger, "ended prematurely" },
        // A reset before the response is whole surfaces from the request or, when the headers were already read, from
        // the body's read ("read failed after N bytes"): which one is timing, and both are the same transient failure.
        { "reset", BadArchive.Ledger, "(request|connection|read) failed" },
        { "stall", BadArchive.Ledger, "stalled" },
        { "short-body", BadArchive.Bucket, "ended prematurely" },
        { "stall", BadArchive.State, "stalled" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task ArchiveVerifier_BodyNeverWhole_ReportsTheFileAsUnreachable(string fault, string path, string detail)
    {
        using var archive = new BadArchive();
        await using var server = await ArchiveHttpServer.StartAsync(archive.Root);
        server.AddFault(path, Fault(fault));
        using var reader = new HttpArchiveReader(server.BaseUri, options: ShortStall);

        var pool = new ArchivePoolOptions { MaxAttempts = 3, Delay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero };
        var report = await new ArchiveVerifier(reader, new ArchiveVerifierOptions { MaxConcurrency = 4, Pool = pool }).VerifyAsync();

        var problems = string.Join(Environment.NewLine, report.Problems);
        report.Problems.Should().OnlyContain(p => p.Path == path, problems);
        var problem = report.Problems.Should().ContainSingle(problems).Subject;
        problem.Kind.Should().Be(ProblemKind.Unreachable, "a server that never delivers the whole file is not evidence that the file is missing");
        problem.Message.Should().Contain(path).And.MatchRegex(detail).And.Contain("rule: every file of the range can be read");
        // The newest checkpoint's HAS is also asked for once before planning: the root state must name a published checkpoint.
        var claimCheck = path == BadArchive.State ? 1 : 0;
        server.RequestCount(path).Should().Be(3 + claimCheck, "the pool's three attempts, then the problem");
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Download_BodyNeverWhole_FailsWithATransientErrorAndLeavesNothing(string fault, string path, string detail)
    {
        using var archive = new BadArchive();
        await using var server = await ArchiveHttpServer.StartAsync(archive.Root);
        server.AddFault(path, Fault(fault));
        using var reader = new HttpArchiveReader(server.BaseUri, options: ShortStall);
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(reader, new CheckpointRange(63, BadArchive.Checkpoint, CheckpointMath.Default), work.Path, new HistoryWorkOptions { DownloadRetries = 1 });

        var result = await harness.RunAsync();

        result.Succeeded.Should().BeFalse();
        var failed = result.Works.Where(w => w.State == WorkState.Failed).Should().ContainSingle().Subject;
        failed.Attempts.Should().Be(2);
        var error = failed.Error.Should().BeOfType<ArchiveTransientException>().Subject;
        error.Path.Should().Be(path);
        error.Message.Should().Contain(path).And.MatchRegex(detail);
        File.Exists(Path.Combine(work.Path, path)).Should().BeFalse();
        Directory.EnumerateFiles(work.Path, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
    }

    private static HttpFault Fault(string name) => name switch
    {
        "short-body" => HttpFault.Truncated(times: int.MaxValue),
        "reset" => HttpFault.Reset(times: int.MaxValue),
        "stall" => HttpFault.Stall(times: int.MaxValue),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
