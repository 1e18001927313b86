using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

public class VerifyCommandTests
{
    [Fact]
    public async Task Run_WholeTestnetArchive_VerifiesEveryFile()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, "--json", report);

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("ok").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("checkpoints").GetInt32().Should().Be(157);
        json.RootElement.GetProperty("files").GetInt32().Should().Be(ArchiveFixtures.CountFiles(Fixtures.TestnetSmall, "*"));
        json.RootElement.GetProperty("bytes").GetInt64().Should().Be(
            Directory.EnumerateFiles(Fixtures.TestnetSmall, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));
        run.Output.Should().Contain("problems  none").And.Contain("archive starts at checkpoint 63 ");
        json.RootElement.GetProperty("startsAt").GetUInt32().Should().Be(63);
    }

    [Fact]
    public async Task Run_PubnetArchiveWithoutFrom_StartsWhereTheArchiveDoesAndVerifiesClean()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");
        var first = ArchiveFixtures.FirstCheckpoint(Fixtures.PubnetLegacy);

        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.PubnetLegacy, "--json", report, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain($"archive starts at checkpoint {first} ").And.Contain("problems  none");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("startsAt").GetUInt32().Should().Be(first);
        json.RootElement.GetProperty("checkpoints").GetInt32().Should().Be(ArchiveFixtures.CountFiles(Path.Combine(Fixtures.PubnetLegacy, "history"), "*.json"));
    }

    [Fact]
    public async Task Run_PubnetArchiveFromGenesis_OneMissingProblemForEverythingBeforeItsStart()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");
        var lastAbsent = ArchiveFixtures.FirstCheckpoint(Fixtures.PubnetLegacy) - 64;

        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.PubnetLegacy, "--from", "1", "--json", report, "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        run.Output.Should().Contain($"archive starts at checkpoint {lastAbsent + 64} ").And.Contain("problems  1" + Environment.NewLine);
        run.Error.Should().Contain("did not verify: 1 problem.");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("startsAt").GetUInt32().Should().Be(lastAbsent + 64, "every verb names where the archive starts");
        var problem = json.RootElement.GetProperty("problems").EnumerateArray().Should().ContainSingle().Which;
        problem.GetProperty("kind").GetString().Should().Be("missing");
        problem.GetProperty("path").GetString().Should().Be("history/00/00/00/history-0000003f.json");
        problem.GetProperty("ledger").GetUInt32().Should().Be(63);
        problem.GetProperty("message").GetString().Should().Contain($"checkpoints 63..{lastAbsent} (").And.Contain("are missing entirely");
    }

    [Fact]
    public async Task Run_LegacyPubnetRangeWithTrustedHash_IsTrusted()
    {
        var newest = ArchiveFixtures.CurrentLedger(Fixtures.PubnetLegacy);
        var hash = LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.PubnetLegacy, newest));

        var run = await CliRun.RunAsync(
            "verify", "--archive", Fixtures.PubnetLegacy, "--from", "11999936", "--trusted-hash", $"{newest}:{hash}", "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("17 checkpoints").And.Contain("trusted: the chain ends");
    }

    [Fact]
    public async Task Run_DamagedHotArchiveFixture_ReportsEveryProblemAndExitsOne()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetHotArchive, "--json", report, "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().Contain("did not verify").And.NotContain("   at ");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var problems = json.RootElement.GetProperty("problems").EnumerateArray().ToArray();
        problems.Should().Contain(p => p.GetProperty("kind").GetString() == "missing" && p.GetProperty("path").GetString()!.StartsWith("bucket/"));
        problems.Should().Contain(p => p.GetProperty("kind").GetString() == "bucket-list-mismatch");
        problems.Should().OnlyContain(p => p.GetProperty("message").GetString()!.Length > 0);
    }

    [Fact]
    public async Task Run_TransactionsFileWithAFlippedByte_NamesThatFile()
    {
        using var temp = new TempDirectory();
        var archive = ArchiveFixtures.CopyArchive(Fixtures.PubnetLegacy, temp);
        var victim = Directory.EnumerateFiles(Path.Combine(archive, "transactions"), "*.xdr.gz", SearchOption.AllDirectories).Order().Last();
        var bytes = File.ReadAllBytes(victim);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(victim, bytes);
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("verify", "--archive", archive, "--from", "11999936", "--json", report, "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var relative = Path.GetRelativePath(archive, victim).Replace('\\', '/');
        json.RootElement.GetProperty("problems").EnumerateArray()
            .Should().Contain(p => p.GetProperty("path").GetString() == relative);
    }

    [Fact]
    public async Task Run_FromAfterTo_IsAUsageError()
    {
        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, "--from", "500", "--to", "100");

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("--from 500 is after --to 100").And.NotContain("   at ");
    }

    [Fact]
    public async Task Run_ArchiveRefusingConnections_ReportsUnreachableAndExitsThree()
    {
        // Issue 9 defect 4: a refused connection after every retry is "unreachable" (exit 3), never "missing" (exit 1).
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");
        var archive = RefusingArchive.Location();

        var run = await CliRun.RunAsync("verify", "--archive", archive, "--retries", "0", "--json", report, "--quiet");

        run.ExitCode.Should().Be(3, run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var kinds = json.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("kind").GetString()).ToList();
        kinds.Should().NotBeEmpty().And.OnlyContain(k => k == "unreachable");
    }

    [Fact]
    public async Task Run_UnreachableArchiveWithTo_ClaimsNoStartAndExitsThree()
    {
        // With --to the root state is not read; the start search met only unanswered probes and used to count them
        // as present, printing "archive starts at checkpoint 63 ... found by searching" for an archive never reached.
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");
        var archive = RefusingArchive.Location();

        var run = await CliRun.RunAsync("verify", "--archive", archive, "--to", "127", "--retries", "0", "--json", report);

        run.ExitCode.Should().Be(3, run.ToString());
        run.ToString().Should().NotContain("archive starts at");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("startsAt").ValueKind.Should().Be(JsonValueKind.Null);
        var problems = json.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => (Path: p.GetProperty("path").GetString(), Kind: p.GetProperty("kind").GetString(), Message: p.GetProperty("message").GetString()))
            .ToList();
        problems.Select(p => p.Kind).Should().OnlyContain(k => k == "unreachable");
        problems.Select(p => p.Path).Should().Equal(".well-known/stellar-history.json", "history/00/00/00/history-0000003f.json");
        problems[1].Message.Should().Contain("could not find where the archive starts");
    }
}
