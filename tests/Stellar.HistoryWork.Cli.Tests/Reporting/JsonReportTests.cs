using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Reporting;

/// <summary>
/// <c>--json -</c> as operators script it: standard output is one JSON document (it parses, it pipes into jq, it
/// validates against docs/report.schema.json) for every verb, whatever happened; human text goes to standard error.
/// </summary>
public class JsonReportTests
{
    private const string TrustedHash = "10047:4af71c3e95ddaf22a4bd1badad287c284c0e48f112eeb8d4e8d8c8407e04a40b";

    public static TheoryData<string, int, string[]> Verbs => new()
    {
        { "verify", 0, ["verify", "--archive", Fixtures.TestnetSmall, "--from", "9500"] },
        { "verify", 1, ["verify", "--archive", Fixtures.TestnetHotArchive] },
        { "verify", 0, ["verify", "--archive", Fixtures.TestnetSmall, "--from", "9500", "--trusted-hash", TrustedHash, "--quiet"] },
        { "catchup", 0, ["catchup", "--archive", Fixtures.TestnetSmall, "--from", "9500", "--to", "10047", "--out", "{temp}/out"] },
        { "catchup", 1, ["catchup", "--archive", Fixtures.TestnetHotArchive, "--to", "127", "--out", "{temp}/out", "--retries", "0"] },
        { "mirror", 0, ["mirror", "--archive", Fixtures.TestnetSmall, "--from", "9800", "--to-archive", "{temp}/mirror", "--trusted-hash", TrustedHash] },
        { "status", 0, ["status", "--archive", Fixtures.TestnetHotArchive] },
        { "status", 1, ["status", "--archive", "{temp}"] },
        { "verify-checkpoints", 0, ["verify-checkpoints", "--archive", Fixtures.TestnetSmall, "--trusted-hash", TrustedHash, "--from", "9000", "--out", "{temp}/cp.json"] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Run_JsonToStandardOutput_OnlyJsonThereAndItMatchesTheSchema(string verb, int exit, string[] args)
    {
        using var temp = new TempDirectory();
        var run = await CliRun.RunAsync([.. args.Select(a => a.Replace("{temp}", temp.Path, StringComparison.Ordinal)), "--json", "-"]);

        run.ExitCode.Should().Be(exit, run.ToString());
        using var json = JsonTools.ParseStrict(run.Output);
        json.RootElement.GetProperty("verb").GetString().Should().Be(verb);
        json.RootElement.GetProperty("ok").GetBoolean().Should().Be(exit == 0);
        JsonTools.SchemaErrors(run.Output).Should().BeEmpty(run.Output);
        var ok = await JsonTools.PipeAsync(run.Output, ".ok");
        if (ok is not null)
        {
            ok.Should().Be(exit == 0 ? "true" : "false");
        }

        if (verb != "status" || exit == 0)
        {
            run.Error.Should().NotBeEmpty("the human summary moves to standard error");
        }
    }

    [Fact]
    public async Task Verify_TrustedAndUntrustedRuns_ReportsDiffer()
    {
        var untrusted = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, "--from", "9500", "--json", "-");
        var trusted = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, "--from", "9500", "--trusted-hash", TrustedHash, "--json", "-");

        using var u = JsonDocument.Parse(untrusted.Output);
        using var t = JsonDocument.Parse(trusted.Output);
        u.RootElement.GetProperty("trusted").GetBoolean().Should().BeFalse();
        u.RootElement.GetProperty("trustedUpTo").ValueKind.Should().Be(JsonValueKind.Null);
        t.RootElement.GetProperty("trusted").GetBoolean().Should().BeTrue(trusted.ToString());
        t.RootElement.GetProperty("trustedUpTo").GetUInt32().Should().Be(10047);
        t.RootElement.GetProperty("toLedger").GetUInt32().Should().Be(10047);
        t.RootElement.GetProperty("fromLedger").GetUInt32().Should().Be(9472);
    }

    [Fact]
    public async Task Catchup_Report_CountsFilesByKindAsRead()
    {
        using var temp = new TempDirectory();
        var run = await CliRun.RunAsync("catchup", "--archive", Fixtures.TestnetSmall, "--from", "9500", "--to", "10047", "--out", temp.Combine("out"), "--json", "-");

        using var json = JsonDocument.Parse(run.Output);
        var kinds = json.RootElement.GetProperty("filesByKind");
        foreach (var kind in new[] { "ledger", "transactions", "results", "scp" })
        {
            kinds.GetProperty(kind).GetInt32().Should().Be(ArchiveFixtures.CountFiles(temp.Combine("out", kind), "*.xdr.gz"), kind);
        }

        kinds.GetProperty("bucket").GetInt32().Should().Be(ArchiveFixtures.CountFiles(temp.Combine("out", "bucket"), "*.xdr.gz"));
        json.RootElement.GetProperty("durationSeconds").GetDouble().Should().BeGreaterThan(0);
        json.RootElement.GetProperty("retries").GetInt32().Should().Be(0);
    }

    [Fact]
    public void Schema_EveryProblemKind_IsListed()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(JsonTools.SchemaPath));
        var listed = schema.RootElement.GetProperty("properties").GetProperty("problems").GetProperty("items")
            .GetProperty("properties").GetProperty("kind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).ToArray();

        listed.Should().Contain(Enum.GetValues<ProblemKind>().Select(k => k.ToJsonName()));
    }
}
