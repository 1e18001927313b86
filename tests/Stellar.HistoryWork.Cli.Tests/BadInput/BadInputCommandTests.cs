using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Tests.BadInput;

namespace Stellar.HistoryWork.Cli.Tests.BadInput;

/// <summary>
/// DESIGN.md §5 through the command: every row of <see cref="BadInputCase.All"/> makes <c>verify</c> and
/// <c>catchup</c> exit 1 naming the file (never a stack trace), and <c>dump-xdr</c> either prints the file or
/// exits 1 with one line naming it.
/// </summary>
public class BadInputCommandTests
{
    public static TheoryData<string> Cases => BadInputCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verify_BadInput_ExitsOneNamingTheFile(string name)
    {
        var bad = BadInputCase.Get(name);
        using var archive = new BadArchive();
        bad.Damage(archive);
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("verify", "--archive", archive.Root, "--quiet", "--json", report);

        AssertNoCrash(run);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var problems = json.RootElement.GetProperty("problems").EnumerateArray().ToArray();
        if (bad.IsValid || bad.CliAccepts)
        {
            run.ExitCode.Should().Be(0, run.ToString());
            problems.Should().BeEmpty();
            return;
        }

        run.ExitCode.Should().Be(1, run.ToString());
        run.Output.Should().Contain(bad.Path);
        problems.Should().NotBeEmpty().And.OnlyContain(p => p.GetProperty("path").GetString() == bad.Path, run.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Catchup_BadInput_ExitsOneNamingTheFileAndKeepsNothingOfIt(string name)
    {
        var bad = BadInputCase.Get(name);
        using var archive = new BadArchive();
        bad.Damage(archive);
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        var run = await CliRun.RunAsync("catchup", "--archive", archive.Root, "--to", "127", "--out", output, "--retries", "0", "--quiet");

        AssertNoCrash(run);
        if (bad.IsValid || bad.CliAccepts)
        {
            run.ExitCode.Should().Be(0, run.ToString());
            return;
        }

        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().Contain(bad.Path);
        File.Exists(Path.Combine(output, bad.Path)).Should().BeFalse("a file the run rejected never has its final name, a HAS rejected after it was fetched neither (issue 10 row 10)");
        ArchiveFixtures.CountFiles(output, "*.partial").Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DumpXdr_BadInput_PrintsTheFileOrOneLineNamingIt(string name)
    {
        var bad = BadInputCase.Get(name);
        if (!bad.Path.EndsWith(".xdr.gz", StringComparison.Ordinal))
        {
            return; // a HAS is JSON, not XDR
        }

        using var archive = new BadArchive();
        bad.Damage(archive);
        var file = archive[bad.Path];

        var run = await CliRun.RunAsync("dump-xdr", file);

        AssertNoCrash(run);
        if (!bad.DumpFails)
        {
            run.ExitCode.Should().Be(0, run.ToString());
            run.Error.Should().BeEmpty();
            return;
        }

        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(run.ToString())
            .Which.Should().StartWith("error: ").And.Contain(file);
    }

    private static void AssertNoCrash(CliRun run)
    {
        run.Error.Should().NotContain("   at ", "a bad input is not a crash: {0}", run);
        run.Error.Should().NotContain("internal error", run.ToString());
    }
}
