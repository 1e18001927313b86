using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Download;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Tests.BadInput;

/// <summary>
/// DESIGN.md §5 end to end on the library: every row of <see cref="BadInputCase.All"/> damages a copy of a
/// real archive, then the verifier must report the file, kind, ledger and rule, and a download must fail the
/// right work with a typed error while leaving nothing of the bad file in the work directory.
/// </summary>
public class BadInputTests
{
    private static readonly HistoryVerificationOptions SmallCaps = new()
    {
        MaxBucketDecompressedBytes = BadInputCase.SmallCap,
        MaxCheckpointFileDecompressedBytes = BadInputCase.SmallCap,
    };

    public static TheoryData<string> Cases => BadInputCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ArchiveVerifier_BadInput_ReportsFileKindLedgerAndRule(string name)
    {
        var bad = BadInputCase.Get(name);
        using var archive = new BadArchive();
        bad.Damage(archive);

        var report = await new ArchiveVerifier(new LocalArchiveReader(archive.Root), new ArchiveVerifierOptions { Limits = bad.NeedsRealCaps ? HistoryVerificationOptions.Default : SmallCaps, MaxConcurrency = 4 })
            .VerifyAsync();

        if (bad.IsValid)
        {
            report.Problems.Should().BeEmpty();
            report.Checkpoints.Should().Be(2);
            return;
        }

        var problems = string.Join(Environment.NewLine, report.Problems);
        report.Ok.Should().BeFalse();
        report.Problems.Should().OnlyContain(p => p.Path == bad.Path, "only the damaged file is bad: {0}", problems);
        var problem = report.Problems.Should().ContainSingle(p => p.Kind == bad.Kind, problems).Subject;
        problem.Ledger.Should().Be(bad.Ledger, problems);
        problem.Message.Should().Contain(bad.Path).And.Contain(bad.Rule);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Download_BadInput_FailsTheRightWorkAndLeavesNothingOfTheFile(string name)
    {
        var bad = BadInputCase.Get(name);
        using var archive = new BadArchive();
        bad.Damage(archive);
        var work = Path.Combine(archive.Root, "..", Path.GetFileName(archive.Root) + "-work");
        try
        {
            using var harness = new CatchupHarness(
                new LocalArchiveReader(archive.Root),
                new CheckpointRange(63, BadArchive.Checkpoint, CheckpointMath.Default),
                work,
                bad.NeedsRealCaps
                    ? new HistoryWorkOptions { DownloadRetries = 1 }
                    : new HistoryWorkOptions { MaxBucketSize = BadInputCase.SmallCap, MaxCheckpointFileSize = BadInputCase.SmallCap, DownloadRetries = 1 });

            var result = await harness.RunAsync();

            if (bad.IsValid)
            {
                result.Succeeded.Should().BeTrue(result.ToString());
                File.ReadAllBytes(Path.Combine(work, bad.Path)).Should().Equal(archive.Bytes(bad.Path), "the file is stored as fetched");
                return;
            }

            result.Succeeded.Should().BeFalse();
            var failed = result.Works.Where(w => w.State == WorkState.Failed).Should().ContainSingle().Subject;
            failed.Name.Should().StartWith(bad.FailingWork);
            failed.Attempts.Should().Be(2, "a bad file is retried (another archive may have a good copy), then given up");
            var error = failed.Error.Should().BeOfType<HistoryVerificationException>().Subject;
            error.Problem.Path.Should().Be(bad.Path);
            error.Problem.Kind.Should().Be(bad.Kind);
            error.Problem.Ledger.Should().Be(bad.Ledger);
            error.Message.Should().Contain(bad.Path).And.Contain(bad.Rule);
            File.Exists(Path.Combine(work, bad.Path)).Should().BeFalse("a file that failed verification never gets its final name, a HAS rejected after it was fetched neither (issue 10 row 10)");
            Directory.EnumerateFiles(work, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
