using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.Json;
using System.Xml.Linq;
using Stellar.HistoryWork.Cli.Demo;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Tool;

/// <summary>
/// The library packages as a public feed would get them: packed (package validation runs), each with its README,
/// repository, license, symbols package and Source Link; and the samples built from a copy whose project references
/// became package references to those packages in a local folder, then run — a file a package misses fails here.
/// </summary>
[Collection(CommandBuilds.Name)]
public class PackedPackagesTests
{
    /// <summary>The packed libraries, in dependency order.</summary>
    private static readonly string[] Packages = ["Stellar.Xdr", "Stellar.HistoryWork", "Stellar.HistoryWork.S3", "Stellar.HistoryWork.Hosting"];

    /// <summary>What the packs here name as the repository: a GitHub URL (Source Link maps github.com) that is plainly a test's.</summary>
    private const string RepositoryUrl = "https://github.com/packed-packages-test/not-a-repository";

    /// <summary>Source Link's custom debug information in a portable PDB.</summary>
    private static readonly Guid SourceLinkId = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    public async Task Pack_EveryLibrary_CarriesReadmeSymbolsSourceLinkAndOneVersion()
    {
        using var temp = new TempDirectory();
        var folder = await PackAsync(temp);

        foreach (var id in Packages)
        {
            var package = Path.Combine(folder, $"{id}.{Version}.nupkg");
            File.Exists(package).Should().BeTrue($"{id} is packed at the one version");
            File.Exists(Path.Combine(folder, $"{id}.{Version}.snupkg")).Should().BeTrue($"{id} has a symbols package");
            using var zip = ZipFile.OpenRead(package);
            zip.GetEntry("README.md").Should().NotBeNull($"{id} carries its README");
            zip.GetEntry($"lib/net10.0/{id}.xml").Should().NotBeNull($"{id} carries its XML docs");
            var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
            Field("readme").Should().Be("README.md");
            Field("description").Should().NotBeNullOrWhiteSpace();
            Field("tags").Should().Contain("stellar");
            metadata.Elements().Single(e => e.Name.LocalName == "license").Value.Should().Be("Apache-2.0");
            var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            repository.Attribute("url")!.Value.Should().Be(RepositoryUrl, "the packer names the repository");
            Field("projectUrl").Should().Be(RepositoryUrl);
            repository.Attribute("commit")!.Value.Should().MatchRegex("^[0-9a-f]{40}$");

            // Source Link is written at build time: present when that build knew the repository (-p:RepositoryUrl= or
            // a git remote; Build_WithRepositoryUrl_* checks that case), absent rather than invented otherwise.
            using var symbols = ZipFile.OpenRead(Path.Combine(folder, $"{id}.{Version}.snupkg"));
            using var pdb = symbols.GetEntry($"lib/net10.0/{id}.pdb")!.Open();
            SourceLink(pdb)?.Should().Contain(repository.Attribute("commit")!.Value, $"{id}'s PDB maps sources to the packed commit");
        }
    }

    [Fact]
    public async Task Pack_WithoutRepositoryUrl_ClaimsNoRepositoryButTheClonesOwnRemote()
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine("packages");
        var remote = await ProcessRun.RunAsync("git", ["-C", Fixtures.RepositoryRoot, "remote", "get-url", "origin"]);

        var pack = await ProcessRun.RunAsync("dotnet", ["pack", Path.Combine(Fixtures.RepositoryRoot, "src", "Stellar.Xdr"), "-c", "Release", "--no-build", "-nologo", "-o", folder]);

        pack.ExitCode.Should().Be(0, pack.ToString());
        using var zip = ZipFile.OpenRead(Path.Combine(folder, $"Stellar.Xdr.{Version}.nupkg"));
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var url = nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute("url")?.Value;
        if (url is null)
        {
            (pack.Output + pack.Error).Should().Contain("SHW0001", "the pack says the package carries no repository URL");
        }
        else
        {
            remote.ExitCode.Should().Be(0, $"only the clone's own remote may name the repository, not {url}");
            var own = remote.Output.Trim();
            url.Should().BeOneOf([own, Path.IsPathRooted(own) ? new Uri(own).AbsoluteUri : own], "a clone with a remote names it");
        }

        nuspec.Descendants().Should().NotContain(e => e.Name.LocalName == "projectUrl", "no project URL is invented");
    }

    [Fact]
    public async Task Build_WithRepositoryUrl_PdbSourceLinkMapsThatRepositoryAtTheCommit()
    {
        using var temp = new TempDirectory();
        var commit = (await ProcessRun.RunAsync("git", ["-C", Fixtures.RepositoryRoot, "rev-parse", "HEAD"])).Output.Trim();

        var build = await ProcessRun.RunAsync("dotnet", ["build", Path.Combine(Fixtures.RepositoryRoot, "src", "Stellar.Xdr"), "-c", "Release", "-nologo", "--artifacts-path", temp.Combine("artifacts"), $"-p:RepositoryUrl={RepositoryUrl}"]);

        build.ExitCode.Should().Be(0, build.ToString());
        var pdb = Directory.EnumerateFiles(temp.Combine("artifacts"), "Stellar.Xdr.pdb", SearchOption.AllDirectories).First();
        await using var stream = File.OpenRead(pdb);
        SourceLink(stream).Should().Contain($"https://raw.githubusercontent.com/packed-packages-test/not-a-repository/{commit}/");
    }

    [Fact]
    public async Task Cli_BuiltAgainstThePackedPackages_RunsStatusOnAFixture()
    {
        using var temp = new TempDirectory();
        var folder = await PackAsync(temp);
        var project = CopyWithPackageReferences(temp, Path.Combine(Fixtures.RepositoryRoot, "samples", "Stellar.HistoryWork.Cli"), folder);

        var bin = temp.Combine("bin");
        var build = await ProcessRun.RunAsync("dotnet", ["build", project, "-c", "Release", "-nologo", "-o", bin]);
        build.ExitCode.Should().Be(0, build.ToString());
        using (var packed = ZipFile.OpenRead(Path.Combine(folder, $"Stellar.HistoryWork.{Version}.nupkg")))
        {
            await using var inPackage = packed.GetEntry("lib/net10.0/Stellar.HistoryWork.dll")!.Open();
            using var copy = new MemoryStream();
            await inPackage.CopyToAsync(copy);
            (await File.ReadAllBytesAsync(Path.Combine(bin, "Stellar.HistoryWork.dll"))).Should().Equal(copy.ToArray(), "the sample runs the packed library, not a project build");
        }

        var status = await ProcessRun.RunAsync("dotnet", [Path.Combine(bin, "stellar-history.dll"), "status", "--archive", Fixtures.TestnetSmall, "--json", "-"]);
        status.ExitCode.Should().Be(0, status.ToString());
        using var json = JsonDocument.Parse(status.Output);
        json.RootElement.GetProperty("currentLedger").GetUInt32().Should().Be(10047);
    }

    [Fact]
    public async Task NodeSample_BuiltAgainstThePackedPackages_CatchesUpOfflineAndStopsOnCtrlC()
    {
        using var temp = new TempDirectory();
        var folder = await PackAsync(temp);
        var project = CopyWithPackageReferences(temp, Path.Combine(Fixtures.RepositoryRoot, "samples", "Stellar.HistoryWork.NodeSample"), folder);
        var bin = temp.Combine("bin");
        var build = await ProcessRun.RunAsync("dotnet", ["build", project, "-c", "Release", "-nologo", "-o", bin]);
        build.ExitCode.Should().Be(0, build.ToString());
        await using var server = await LoopbackArchiveServer.StartAsync(Fixtures.TestnetSmall, CancellationToken.None);
        // appsettings.json names SDF's archives; the command line points both at the bundled archive on loopback.
        string[] archives =
        [
            $"--HistoryArchives:Archives:sdf1:Get={server.BaseUri.AbsoluteUri}",
            $"--HistoryArchives:Archives:sdf2:Get=curl -sf {server.BaseUri.AbsoluteUri}{{0}} -o {{1}}",
            $"--Catchup:WorkDirectory={temp.Combine("work")}",
        ];

        var run = await ProcessRun.RunAsync("dotnet", [Path.Combine(bin, "Stellar.HistoryWork.NodeSample.dll"), .. archives], workingDirectory: bin, timeout: TimeSpan.FromMinutes(10));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("Applying").And.Contain("buckets of checkpoint 10047")
            .And.Contain("Checkpoint 10047: 64 headers").And.Contain("trusted: True").And.Contain("Caught up to ledger 10047");
        run.Output.Should().Contain("history.archive.bytes", "the library's metrics reach the console exporter");
        server.Requests.Should().BeGreaterThan(0);

        // Waiting for a checkpoint the archive has not published: Ctrl-C (SIGINT) stops the host cleanly.
        string[] waiting = [.. archives, "--Catchup:ToLedger=10100", $"--Catchup:TrustedHash=10100:{new string('a', 64)}", "--Catchup:WaitForPublication=00:10:00"];
        var (exitCode, output) = await RunUntilCtrlCAsync(Path.Combine(bin, "Stellar.HistoryWork.NodeSample.dll"), waiting, bin);
        exitCode.Should().Be(0, output);
        output.Should().Contain("Catchup stopped before it finished").And.NotContain("Catchup failed");
    }

    /// <summary>Starts the sample, sends SIGINT once the host has started, and waits for it to end.</summary>
    private static async Task<(int ExitCode, string Output)> RunUntilCtrlCAsync(string dll, string[] args, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("Application started", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await started.Task.WaitAsync(timeout.Token);
            // A test run started as a background job inherits SIGINT ignored (POSIX), and so does the sample: SIGTERM,
            // which the host handles the same way, stands in for Ctrl-C there.
            var signal = IgnoresSigInt(process.Id) ? "-TERM" : "-INT";
            using (var kill = Process.Start("kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the sample did not start or stop: {output}");
        }

        process.WaitForExit();
        var errors = await error;
        lock (output)
        {
            return (process.ExitCode, output + errors);
        }
    }

    /// <summary>Whether the process ignores SIGINT (bit 1 of SigIgn in /proc/PID/status).</summary>
    private static bool IgnoresSigInt(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0b10) != 0;
    }

    /// <summary>The version Directory.Build.props sets for every package.</summary>
    private static string Version =>
        XDocument.Load(Path.Combine(Fixtures.RepositoryRoot, "Directory.Build.props")).Descendants("Version").Single().Value;

    /// <summary>Packs the libraries as the test run built them (Release) into a folder of <paramref name="temp"/>.</summary>
    /// <summary>Packs every library into a folder, naming the repository as CI and packers do (<c>-p:RepositoryUrl=</c>).</summary>
    private static async Task<string> PackAsync(TempDirectory temp)
    {
        var folder = temp.Combine("packages");
        foreach (var id in Packages)
        {
            var pack = await ProcessRun.RunAsync("dotnet", ["pack", Path.Combine(Fixtures.RepositoryRoot, "src", id), "-c", "Release", "--no-build", "-nologo", "-o", folder, $"-p:RepositoryUrl={RepositoryUrl}"]);
            pack.ExitCode.Should().Be(0, pack.ToString());
        }

        return folder;
    }

    /// <summary>
    /// Copies a sample's sources beside a nuget.config that restores the Stellar packages from <paramref name="packages"/>
    /// only (into a private cache, so a stale copy in the user's cache cannot stand in) and everything else from the
    /// user's package cache; its project references to src/ become package references.
    /// </summary>
    private static string CopyWithPackageReferences(TempDirectory temp, string sample, string packages)
    {
        var target = temp.Combine("sample");
        foreach (var file in Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(sample, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        var projectFile = Directory.GetFiles(target, "*.csproj").Single();
        var project = XDocument.Load(projectFile);
        var references = project.Descendants("ProjectReference").ToList();
        references.Should().NotBeEmpty();
        foreach (var reference in references)
        {
            reference.ReplaceWith(new XElement("PackageReference", new XAttribute("Include", Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value))));
        }

        project.Save(projectFile);
        var root = Fixtures.RepositoryRoot;
        File.WriteAllText(temp.Combine("Directory.Build.props"), $"<Project><Import Project=\"{Path.Combine(root, "Directory.Build.props")}\" /></Project>\n");
        var versions = string.Concat(Packages.Select(id => $"<PackageVersion Include=\"{id}\" Version=\"{Version}\" />"));
        File.WriteAllText(temp.Combine("Directory.Packages.props"), $"<Project><Import Project=\"{Path.Combine(root, "Directory.Packages.props")}\" /><ItemGroup>{versions}</ItemGroup></Project>\n");
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(temp.Combine("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{temp.Combine("restored")}" /></config>
              <packageSources><clear /><add key="packed" value="{packages}" /></packageSources>
              <fallbackPackageFolders><clear /><add key="cache" value="{cache}" /></fallbackPackageFolders>
            </configuration>
            """);
        return projectFile;
    }

    /// <summary>The Source Link JSON of a portable PDB; null when it has none.</summary>
    private static string? SourceLink(Stream pdb)
    {
        using var copy = new MemoryStream();
        pdb.CopyTo(copy);
        copy.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(copy);
        var reader = provider.GetMetadataReader();
        var infos = reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition)
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == SourceLinkId)
            .ToList();
        return infos.Count == 0 ? null : System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(infos.Single().Value));
    }
}
