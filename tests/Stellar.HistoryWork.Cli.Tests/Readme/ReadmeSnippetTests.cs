using Stellar.HistoryWork.Cli.Demo;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Readme;

/// <summary>
/// The README is code: every C# block compiles (warnings as errors) against the built library, and each runs,
/// offline, against the bundled testnet archive served on loopback in place of SDF's testnet archives.
/// </summary>
public class ReadmeSnippetTests
{
    [Fact]
    public async Task CSharpBlocks_CompiledAsWritten_RunAgainstTheBundledArchive()
    {
        var snippets = ReadmeSnippets.Extract(await File.ReadAllTextAsync(ReadmeSnippets.ReadmePath));
        snippets.Should().HaveCountGreaterThanOrEqualTo(3, "the quick start, verify and mirror");
        snippets.Should().OnlyContain(s => s.Contains("using Stellar.HistoryWork;", StringComparison.Ordinal), "every block names its usings");
        snippets.Take(3).Should().OnlyContain(s => ReadmeSnippets.RunsOffline(s));

        using var temp = new TempDirectory();
        await using var server = await LoopbackArchiveServer.StartAsync(Fixtures.TestnetSmall, CancellationToken.None);
        var project = temp.Combine("snippets");
        ReadmeSnippets.WriteProject(project, snippets, server.BaseUri);

        var build = await ProcessRun.RunAsync("dotnet", ["build", project, "-c", "Release", "-nologo", "-o", temp.Combine("bin")]);
        build.ExitCode.Should().Be(0, build.ToString());

        var outputs = new List<string>();
        for (var i = 0; i < snippets.Count; i++)
        {
            if (!ReadmeSnippets.RunsOffline(snippets[i]))
            {
                continue;
            }

            var run = await ProcessRun.RunAsync("dotnet", [temp.Combine("bin", "ReadmeSnippets.dll"), i.ToString(System.Globalization.CultureInfo.InvariantCulture)], workingDirectory: temp.Path);
            run.ExitCode.Should().Be(0, "snippet {0} runs: {1}", i, run);
            outputs.Add(run.Output);
        }

        outputs[0].Should().Contain("10047 headers verified, trusted: True");
        outputs[1].Should().Contain("157 checkpoints").And.Contain(": ok");
        outputs[2].Should().Contain("17 checkpoints").And.Contain(": ok");
        outputs[3].Should().Contain("published: ok").And.Contain("files written");
        server.Requests.Should().BeGreaterThan(0, "the snippets read the archive over HTTP");
    }

    [Fact]
    public void NodeSection_FileBlocks_AreTheNodeSamplesFiles()
    {
        var readme = File.ReadAllText(ReadmeSnippets.ReadmePath);

        var blocks = System.Text.RegularExpressions.Regex.Matches(readme, "^```\\w+ file=(?<path>\\S+)\\n(?<code>.*?)^```", System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.Singleline);

        blocks.Select(b => b.Groups["path"].Value).Should().Contain(["samples/Stellar.HistoryWork.NodeSample/Program.cs", "samples/Stellar.HistoryWork.NodeSample/CatchupWorker.cs", "samples/Stellar.HistoryWork.NodeSample/appsettings.json"]);
        foreach (var block in blocks.Cast<System.Text.RegularExpressions.Match>())
        {
            block.Groups["code"].Value.Should().Be(File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot, block.Groups["path"].Value)), "the README shows {0} as it is", block.Groups["path"].Value);
        }
    }

    [Fact]
    public void Extract_TestnetUrls_AllReplaceable()
    {
        var readme = File.ReadAllText(ReadmeSnippets.ReadmePath);

        foreach (var snippet in ReadmeSnippets.Extract(readme))
        {
            // A snippet reading some other archive could not run offline: it would fail the test above with a network error.
            System.Text.RegularExpressions.Regex.Replace(snippet, ReadmeSnippets.TestnetArchivePattern, string.Empty)
                .Should().NotContain("https://", "only SDF's testnet archives are named, and the test serves them");
        }
    }
}
