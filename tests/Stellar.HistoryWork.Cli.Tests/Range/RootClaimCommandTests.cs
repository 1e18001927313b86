using System.Globalization;
using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Range;

/// <summary>
/// Issue 10 row 4: a <c>.well-known</c> that claims a ledger the archive never published (0, a non-checkpoint, a
/// checkpoint near 2³²) is a problem of that file, exit 1 — never a plan of millions of checkpoints or an internal error.
/// </summary>
public class RootClaimCommandTests
{
    public static TheoryData<uint> Claims => new() { 0, 100, 4294967231, 4294967295 };

    [Theory]
    [MemberData(nameof(Claims))]
    public async Task Verify_RootClaimsAnUnpublishedLedger_ExitsOneWithAProblemOfTheRoot(uint claim)
    {
        using var temp = new TempDirectory();
        var archive = ArchiveWithClaim(temp, claim);
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("verify", "--archive", archive, "--json", report, "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().NotContain("internal error");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("checkpoints").GetInt32().Should().Be(0, "nothing is planned on a false claim");
        var problem = json.RootElement.GetProperty("problems").EnumerateArray().Should().ContainSingle().Which;
        problem.GetProperty("path").GetString().Should().Be(".well-known/stellar-history.json");
        problem.GetProperty("kind").GetString().Should().Be("corrupt");
        problem.GetProperty("message").GetString().Should().Contain($"currentLedger {claim}");
    }

    [Theory]
    [MemberData(nameof(Claims))]
    public async Task StatusMirrorAndCatchup_RootClaimsAnUnpublishedLedger_ExitOneWithoutAnInternalError(uint claim)
    {
        using var temp = new TempDirectory();
        var archive = ArchiveWithClaim(temp, claim);

        var status = await CliRun.RunAsync("status", "--archive", archive);
        var mirror = await CliRun.RunAsync("mirror", "--archive", archive, "--to-archive", temp.Combine("mirror"), "--quiet");
        var catchup = await CliRun.RunAsync("catchup", "--archive", archive, "--to", "127", "--out", temp.Combine("out"), "--quiet");

        foreach (var run in new[] { status, mirror, catchup })
        {
            run.ExitCode.Should().Be(1, run.ToString());
            run.Error.Should().Contain($"currentLedger {claim}").And.NotContain("internal error");
        }

        ArchiveFixtures.CountFiles(temp.Combine("mirror"), "*").Should().Be(0);
        ArchiveFixtures.CountFiles(temp.Combine("out"), "*").Should().Be(0);
    }

    private static string ArchiveWithClaim(TempDirectory temp, uint claim)
    {
        var archive = ArchiveFixtures.CopyArchive(Fixtures.TestnetHotArchive, temp);
        var root = Path.Combine(archive, ".well-known", "stellar-history.json");
        var text = File.ReadAllText(root);
        var edited = text.Replace("\"currentLedger\": 127", "\"currentLedger\": " + claim.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        edited.Should().NotBe(text, "the fixture's root names ledger 127");
        File.WriteAllText(root, edited);
        return archive;
    }
}
