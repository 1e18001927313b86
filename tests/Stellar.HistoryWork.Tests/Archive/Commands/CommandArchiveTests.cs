using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Tests.Publish;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive.Commands;

public class CommandArchiveTests
{
    private static readonly string Source = Fixtures.TestnetSmall;

    [Fact]
    public async Task VerifyAsync_GetTemplateRunningCp_VerifiesTheFixtureRange()
    {
        using var temporary = new TempDirectory();
        var archive = CommandArchive.Create(new CommandArchiveOptions { Name = "cp", Get = $"cp {Source}/{{0}} {{1}}", TemporaryDirectory = temporary.Path });

        var report = await new ArchiveVerifier(archive.Reader!, new ArchiveVerifierOptions { FromLedger = 9600 }).VerifyAsync();

        report.Problems.Should().BeEmpty();
        report.Checkpoints.Should().Be(7, "checkpoints 9663 … 10047");
        Directory.EnumerateFiles(temporary.Path).Should().BeEmpty("every fetched file is deleted once read");
    }

    [Fact]
    public async Task RunAsync_MirrorToPutAndMkdirTemplates_TargetIsTheSourceAndVerifies()
    {
        using var target = new TempDirectory();
        using var work = new TempDirectory();
        using var temporary = new TempDirectory();
        var archive = CommandArchive.Create(new CommandArchiveOptions
        {
            Name = "local-cmd",
            Get = $"cp {target.Path}/{{0}} {{1}}",
            Put = $"cp {{0}} {target.Path}/{{1}}",
            Mkdir = $"mkdir -p {target.Path}/{{0}}",
            TemporaryDirectory = temporary.Path,
        });

        var result = await new ArchiveMirror(new LocalArchiveReader(Source), archive.Writer!, new ArchiveMirrorOptions
        {
            FromLedger = 9600,
            RetryDelay = _ => TimeSpan.FromMilliseconds(1),
            History = new HistoryWorkOptions { WorkDirectory = work.Path },
        }).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        result.CheckpointsMirrored.Should().Be(7);
        PublishAssertions.CopyMatchesSource(Source, target.Path);
        (await PublishAssertions.VerifyCopyAsync(target.Path, 9600)).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task OpenReadAsync_FailingCommandThroughPool_IsRetriedThenReportedWithExitCodeAndStandardError()
    {
        using var dir = new TempDirectory();
        var count = Path.Combine(dir.Path, "count");
        var script = Script(dir.Path, "fail.sh", $"echo attempt >> {count}\necho 'curl: (7) Failed to connect to history.example.org' >&2\nexit 7\n");
        var archive = CommandArchive.Create(new CommandArchiveOptions { Get = $"sh {script} {{0}} {{1}}", TemporaryDirectory = dir.Path });
        var pool = new ArchivePool([archive.Reader!], new ArchivePoolOptions { MaxAttempts = 3, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) });

        var failed = await pool.Invoking(p => p.OpenReadAsync(ArchivePaths.WellKnownState).AsTask()).Should().ThrowAsync<ArchiveTransientException>();

        File.ReadAllLines(count).Should().HaveCount(3, "the pool's pipeline tries the command three times");
        failed.Which.Message.Should().Contain("exited with code 7").And.Contain("curl: (7) Failed to connect to history.example.org").And.Contain(ArchivePaths.WellKnownState);
        FailureClassifier.ToProblem(failed.Which, ArchivePaths.WellKnownState, null).Kind.Should().Be(ProblemKind.Unreachable, "a command cannot tell a missing file from an unreachable archive");
    }

    [Fact]
    public async Task OpenReadAsync_HangingCommand_TimesOutAndItsProcessTreeIsKilled()
    {
        using var dir = new TempDirectory();
        var marker = "29." + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var script = Script(dir.Path, "hang.sh", $"sleep {marker}\n");
        var clock = new FakeTimeProvider();
        var archive = CommandArchive.Create(new CommandArchiveOptions { Get = $"sh {script} {{0}} {{1}}", Timeout = TimeSpan.FromSeconds(5), TimeProvider = clock, TemporaryDirectory = dir.Path });

        var read = archive.Reader!.OpenReadAsync(ArchivePaths.WellKnownState).AsTask();
        SleepsRunning(marker, expected: true).Should().BeTrue("the command started");
        clock.Advance(TimeSpan.FromSeconds(5));

        var failed = await read.Invoking(r => r).Should().ThrowAsync<ArchiveTransientException>();
        failed.Which.Message.Should().Contain("timed out after 5 s");
        SleepsRunning(marker, expected: false).Should().BeFalse("the timeout kills the command's children too");
    }

    [Fact]
    public async Task OpenReadAsync_Cancelled_KillsTheProcessTree()
    {
        using var dir = new TempDirectory();
        var marker = "28." + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var script = Script(dir.Path, "hang.sh", $"sleep {marker}\n");
        var archive = CommandArchive.Create(new CommandArchiveOptions { Get = $"sh {script} {{0}} {{1}}", TemporaryDirectory = dir.Path });
        using var cancellation = new CancellationTokenSource();

        var read = archive.Reader!.OpenReadAsync(ArchivePaths.WellKnownState, cancellation.Token).AsTask();
        SleepsRunning(marker, expected: true).Should().BeTrue();
        await cancellation.CancelAsync();

        await read.Invoking(r => r).Should().ThrowAsync<OperationCanceledException>();
        SleepsRunning(marker, expected: false).Should().BeFalse();
    }

    [Theory]
    [InlineData("cp {0} {1}", "a/b c", "cp|a/b|c")]
    [InlineData("  curl   -sf\thttp://h/x/{0}  -o {1} ", "p q", "curl|-sf|http://h/x/p|-o|q")]
    [InlineData("tool {} {}", "p q", "tool|p|q")]
    [InlineData("echo {{literal}} {1}", "p q", "echo|{literal}|q")]
    public void Format_Template_SplitsOnWhitespaceWithoutAShell(string template, string values, string expected)
    {
        var valueList = values.Split(' ');
        CommandTemplate.Parse(template, 2, "get").Format(valueList).Should().Equal(expected.Split('|'));
    }

    [Theory]
    [InlineData("cp {2} {1}")]
    [InlineData("cp {0 {1}")]
    [InlineData("cp } {1}")]
    [InlineData("   ")]
    public void Create_BadTemplate_IsRefusedNamingIt(string template)
    {
        var create = () => CommandArchive.Create(new CommandArchiveOptions { Name = "bad", Get = template });
        create.Should().Throw<ArgumentException>().WithMessage("*bad*");
    }

    [Fact]
    public void FromStellarCoreConfig_RealConfiguration_TakesEveryHistorySectionUnchanged()
    {
        const string config = """
            HTTP_PORT=11626
            NETWORK_PASSPHRASE="Test SDF Network ; September 2015"
            [QUORUM_SET]
            VALIDATORS=[
            "GDKXE2OZMJIPOSLNA6N6F2BVCI3O777I2OOC4BV7VOYUEHYX7RTRYA7Y sdf1"
            ]

            [HISTORY.sdf1]
            get="curl -sf http://history.stellar.org/prd/core-testnet/core_testnet_001/{0} -o {1}"

            [HISTORY.local]
            get="cp /srv/history/{0} {1}" # read back
            put="cp {0} /srv/history/{1}"
            mkdir='mkdir -p /srv/history/{0}'
            """;

        var archives = CommandArchive.FromStellarCoreConfig(config);

        archives.Select(a => a.Options.Name).Should().Equal("sdf1", "local");
        archives[0].Options.Get.Should().Be("curl -sf http://history.stellar.org/prd/core-testnet/core_testnet_001/{0} -o {1}");
        archives[0].Writer.Should().BeNull("a section without put is read-only");
        archives[1].Options.Mkdir.Should().Be("mkdir -p /srv/history/{0}");
        archives[1].Writer.Should().NotBeNull();
    }

    private static string Script(string directory, string name, string body)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, body);
        return path;
    }

    /// <summary>Waits (briefly: a process takes a moment to start or to be reaped) until a <c>sleep</c> with this unique argument runs, or until none does.</summary>
    private static bool SleepsRunning(string marker, bool expected)
    {
        for (var i = 0; i < 400; i++)
        {
            var running = Process.GetProcessesByName("sleep").Any(p => CommandLine(p.Id).Contains(marker, StringComparison.Ordinal));
            if (running == expected)
            {
                return running;
            }

            Thread.Sleep(25);
        }

        return !expected;
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (IOException)
        {
            return "";
        }
    }
}
