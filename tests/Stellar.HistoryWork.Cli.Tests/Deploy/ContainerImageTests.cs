using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Deploy;

/// <summary>
/// deploy/container/Dockerfile without Docker (issue 14): its build stage's publish command runs as written, and the
/// result starts; the runtime stage runs as a user that is not root.
/// </summary>
[Collection(CommandBuilds.Name)]
public class ContainerImageTests
{
    private static readonly string Dockerfile = Path.Combine(Fixtures.RepositoryRoot, "deploy", "container", "Dockerfile");

    [Fact]
    public async Task Dockerfile_PublishStepAsWritten_StartsTheCommand()
    {
        using var temp = new TempDirectory();
        var lines = await File.ReadAllLinesAsync(Dockerfile);
        var publish = lines.Single(l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal))["RUN ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        publish.Should().Contain("-p:PublishReadyToRun=true");
        var output = Array.IndexOf(publish, "-o");
        publish[output + 1].Should().Be("/app", "the runtime stage copies /app");
        publish[output + 1] = temp.Combine("app");

        var built = await ProcessRun.RunAsync(publish[0], publish[1..], workingDirectory: Fixtures.RepositoryRoot);

        built.ExitCode.Should().Be(0, built.ToString());
        var entry = lines.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
        entry.Should().Contain("/app/stellar-history.dll");
        var help = await ProcessRun.RunAsync("dotnet", [temp.Combine("app", "stellar-history.dll"), "verify", "--help"]);
        help.ExitCode.Should().Be(0, help.ToString());
        help.Output.Should().Contain("--shard-count");
    }

    [Fact]
    public async Task Dockerfile_RuntimeStage_IsNotRoot()
    {
        var lines = await File.ReadAllLinesAsync(Dockerfile);
        var runtime = lines.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/runtime", StringComparison.Ordinal)).ToArray();

        runtime.Should().NotBeEmpty("a multi-stage build: SDK, then the runtime image");
        var user = runtime.Single(l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Split(':')[0];
        new[] { "0", "root" }.Should().NotContain(user);
        lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)).Should().Be(2);
    }
}
