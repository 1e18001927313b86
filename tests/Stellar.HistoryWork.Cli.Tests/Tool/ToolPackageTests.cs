using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Tool;

/// <summary>
/// The command as a .NET tool: packed, installed with <c>dotnet tool install --tool-path</c> from a local folder
/// only, and run — the same installed tool scripts/bench-startup.sh times (ReadyToRun, per-runtime package).
/// </summary>
[Collection(CommandBuilds.Name)]
public class ToolPackageTests
{
    private const string PackageId = "Stellar.HistoryWork.Cli";

    [Fact]
    public async Task Pack_InstalledFromFolder_RunsStatusOnAFixtureReadyToRun()
    {
        if (RuntimeInformation.RuntimeIdentifier != "linux-x64")
        {
            return; // the tool is packed ReadyToRun for linux-x64 only (see the project file)
        }

        using var temp = new TempDirectory();
        var packages = temp.Combine("packages");
        var project = Path.Combine(Fixtures.RepositoryRoot, "samples", "Stellar.HistoryWork.Cli");
        // In place: the library is already built (the test run built it); only the per-runtime ReadyToRun publish is new.
        var pack = await ProcessRun.RunAsync("dotnet", ["pack", project, "-c", "Release", "-nologo", "-o", packages]);
        pack.ExitCode.Should().Be(0, pack.ToString());
        var files = Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName).ToArray();
        files.Should().BeEquivalentTo([$"{PackageId}.0.1.0.nupkg", $"{PackageId}.linux-x64.0.1.0.nupkg"]);
        new FileInfo(Path.Combine(packages, $"{PackageId}.linux-x64.0.1.0.nupkg")).Length.Should().BeLessThan(10_000_000, "the 27 MB demo archive is not packed");

        // Only the local folder: a package of the same name elsewhere must not be what gets installed.
        var config = temp.Combine("nuget.config");
        await File.WriteAllTextAsync(config, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration><packageSources><clear /></packageSources></configuration>\n");
        var tools = temp.Combine("tools");
        var install = await ProcessRun.RunAsync("dotnet", ["tool", "install", PackageId, "--tool-path", tools, "--configfile", config, "--add-source", packages]);
        install.ExitCode.Should().Be(0, install.ToString());

        var status = await ProcessRun.RunAsync(Path.Combine(tools, "stellar-history"), ["status", "--archive", Fixtures.TestnetSmall, "--json", "-"]);
        status.ExitCode.Should().Be(0, status.ToString());
        using var json = JsonDocument.Parse(status.Output);
        json.RootElement.GetProperty("currentLedger").GetUInt32().Should().Be(10047);
        JsonTools.SchemaErrors(status.Output).Should().BeEmpty();

        var installed = Directory.GetFiles(Path.Combine(tools, ".store"), "stellar-history.dll", SearchOption.AllDirectories).Should().ContainSingle().Which;
        IsReadyToRun(installed).Should().BeTrue("the installed tool is the ReadyToRun build that docs/BENCHMARKS.md measures");
    }

    private static bool IsReadyToRun(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }
}
