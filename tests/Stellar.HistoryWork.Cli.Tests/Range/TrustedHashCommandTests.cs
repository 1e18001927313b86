using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Range;

/// <summary>
/// Issue 9 defects 1 and 2 through the real entry point: a trusted hash inside a checkpoint anchors the chain at and
/// below its ledger; one outside the range is rejected by the command and the library with the same message.
/// </summary>
public class TrustedHashCommandTests
{
    /// <summary>Ledger 100 is entry 36 of checkpoint 127's file (ledgers 64..127), read from the bytes.</summary>
    private static readonly string Ledger100 = "100:" + LedgerFiles.HashAt(ArchiveFixtures.LedgerFile(Fixtures.TestnetSmall, 127), 100 - 64);

    private static readonly string Ledger20031 = "20031:" + new string('a', 64);

    [Fact]
    public async Task Verify_TrustedHashInsideTheLastCheckpoint_TrustedUpToThatLedger()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, "--to", "127", "--trusted-hash", Ledger100, "--json", report, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("trusted up to ledger 100").And.NotContain("UNTRUSTED");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("trustedUpTo").GetUInt32().Should().Be(100);
        json.RootElement.GetProperty("trusted").GetBoolean().Should().BeFalse("ledgers 101..127 are not anchored");
        json.RootElement.GetProperty("toLedger").GetUInt32().Should().Be(127);
    }

    [Fact]
    public async Task Verify_RangeEndingAtTheTrustedLedger_Trusted()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, "--to", "100", "--trusted-hash", Ledger100, "--json", report, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("trustedUpTo").GetUInt32().Should().Be(100);
        json.RootElement.GetProperty("trusted").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Verify_WrongHashInsideTheCheckpoint_UntrustedProblemAndNoTrust()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, "--to", "127", "--trusted-hash", "100:" + new string('0', 64), "--json", report, "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("trustedUpTo").ValueKind.Should().Be(JsonValueKind.Null);
        json.RootElement.GetProperty("problems").EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("kind").GetString().Should().Be("untrusted");
    }

    [Fact]
    public async Task Catchup_TrustedHashInsideACheckpoint_TrustedUpToThatLedger()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("catchup", "--archive", Fixtures.TestnetSmall, "--from", "64", "--to", "127", "--out", temp.Combine("out"), "--trusted-hash", Ledger100, "--json", report, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("trusted up to ledger 100");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("trustedUpTo").GetUInt32().Should().Be(100);
        json.RootElement.GetProperty("trusted").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Library_TrustedHashInsideACheckpoint_CheckpointDataTrustedUpToThatLedger()
    {
        using var temp = new TempDirectory();
        using var state = new SharedHistoryState();
        var options = new HistoryWorkOptions { WorkDirectory = temp.Combine("work"), TrustedHash = TrustedLedgerHash.Parse(Ledger100) };
        var builder = new HistoryWorkBuilder(new LocalArchiveReader(Fixtures.TestnetSmall), new CheckpointRange(63, 127, CheckpointMath.Default), state, options);
        await using var scheduler = new Scheduling.WorkScheduler();
        builder.Register(scheduler);

        (await scheduler.RunToCompletionAsync()).Succeeded.Should().BeTrue();

        var data = await state.BuildCheckpointDataAsync();
        data.TrustedUpTo.Should().Be(100);
        data.IsTrusted.Should().BeFalse("ledgers 101..127 are not anchored");
        (await state.GetSummaryAsync()).TrustedUpTo.Should().Be(100);
    }

    [Fact]
    public async Task OutsideTheRange_CommandAndLibraryRejectItWithTheSameMessage()
    {
        using var temp = new TempDirectory();
        var trusted = TrustedLedgerHash.Parse(Ledger20031);
        var range = new CheckpointRange(4991, 5055, CheckpointMath.Default);
        var archive = new LocalArchiveReader(Fixtures.TestnetSmall);
        using var state = new SharedHistoryState();

        var builder = () => new HistoryWorkBuilder(archive, range, state, new HistoryWorkOptions { TrustedHash = trusted });
        var verifier = () => new ArchiveVerifier(archive, new ArchiveVerifierOptions { FromLedger = 4928, ToLedger = 5055, TrustedHash = trusted });
        // catchup 5055 from 4928 applies the buckets of 4927: its range starts there.
        var catchupBuilder = () => new HistoryWorkBuilder(archive, CatchupRange.For(5055, 4928, CheckpointMath.Default), state, new HistoryWorkOptions { TrustedHash = trusted });
        var catchup = await CliRun.RunAsync("catchup", "--archive", Fixtures.TestnetSmall, "--from", "4928", "--to", "5055", "--out", temp.Combine("out"), "--trusted-hash", Ledger20031);
        var verify = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, "--from", "4928", "--to", "5055", "--trusted-hash", Ledger20031);
        var mirror = await CliRun.RunAsync("mirror", "--archive", Fixtures.TestnetSmall, "--to-archive", temp.Combine("mirror"), "--from", "4928", "--to", "5055", "--trusted-hash", Ledger20031);

        const string expected = "the trusted hash is for ledger 20031, outside the range 4928..5055 (rule: a trusted hash anchors the chain at a ledger of the range)";
        builder.Should().Throw<ArgumentException>().WithMessage(expected);
        verifier.Should().Throw<ArgumentException>().WithMessage(expected);
        foreach (var run in new[] { verify, mirror })
        {
            run.ExitCode.Should().Be(2, run.ToString());
            run.Error.Should().Contain(expected);
        }

        var catchupExpected = expected.Replace("4928..", "4927..", StringComparison.Ordinal);
        catchupBuilder.Should().Throw<ArgumentException>().WithMessage(catchupExpected);
        catchup.ExitCode.Should().Be(2, catchup.ToString());
        catchup.Error.Should().Contain(catchupExpected);
        Directory.Exists(temp.Combine("out")).Should().BeFalse("nothing is downloaded");
        Directory.Exists(temp.Combine("mirror")).Should().BeFalse("nothing is published");
    }
}
