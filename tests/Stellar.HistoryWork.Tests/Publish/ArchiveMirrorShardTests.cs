using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Publish;

/// <summary>A sharded mirror through the library (<see cref="ArchiveMirrorOptions.Shard"/>, <see cref="ArchiveMirrorOptions.Stage"/>).</summary>
public class ArchiveMirrorShardTests
{
    private static ArchiveMirrorOptions Options(string work, int index, int count, ArchiveMirrorStage stage, uint from = 8000, uint to = 10047) => new()
    {
        FromLedger = from,
        ToLedger = to,
        Shard = new ArchiveShard(index, count),
        Stage = stage,
        RetryDelay = _ => TimeSpan.FromMilliseconds(1),
        History = new HistoryWorkOptions { WorkDirectory = work },
    };

    [Fact]
    public void Constructor_ShardWithoutStageOrStageWithoutShard_Throws()
    {
        using var temp = new TempDirectory();
        var source = new LocalArchiveReader(Fixtures.TestnetSmall);
        var target = new RecordingArchiveWriter(temp.Path);

        FluentActions.Invoking(() => new ArchiveMirror(source, target, new ArchiveMirrorOptions { ToLedger = 10047, Shard = new ArchiveShard(0, 2) }))
            .Should().Throw<ArgumentException>().WithMessage("*Stage*");
        FluentActions.Invoking(() => new ArchiveMirror(source, target, new ArchiveMirrorOptions { Shard = new ArchiveShard(0, 2), Stage = ArchiveMirrorStage.Buckets }))
            .Should().Throw<ArgumentException>().WithMessage("*ToLedger*");
        FluentActions.Invoking(() => new ArchiveMirror(source, target, new ArchiveMirrorOptions { Stage = ArchiveMirrorStage.Checkpoints }))
            .Should().Throw<ArgumentException>().WithMessage("*Shard*");
    }

    [Fact]
    public async Task RunAsync_TwoShardsBucketsThenCheckpoints_EachBucketOnceAndTheSlicesLink()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var source = new LocalArchiveReader(Fixtures.TestnetSmall);
        var writer = new LocalArchiveWriter(target.Path);

        var buckets = new List<ArchiveMirrorResult>();
        for (var i = 0; i < 2; i++)
        {
            buckets.Add(await new ArchiveMirror(source, writer, Options(work.Path, i, 2, ArchiveMirrorStage.Buckets)).RunAsync());
        }

        buckets.Should().OnlyContain(r => r.Succeeded);
        var published = PublishAssertions.Relative(target.Path);
        published.Should().OnlyContain(f => f.StartsWith("bucket/", StringComparison.Ordinal));
        buckets.Sum(r => r.FilesWritten).Should().Be(published.Count, "no bucket is published by both shards");
        buckets[0].Shard!.BucketsLeftBelow.Should().BePositive();
        buckets[0].Shard!.FirstFile.Should().BeNull("the buckets stage reads no header");

        var checkpoints = new List<ArchiveMirrorResult>();
        for (var i = 0; i < 2; i++)
        {
            checkpoints.Add(await new ArchiveMirror(source, writer, Options(work.Path, i, 2, ArchiveMirrorStage.Checkpoints)).RunAsync());
        }

        checkpoints.Should().OnlyContain(r => r.Succeeded, string.Join("; ", checkpoints.SelectMany(r => r.Errors)));
        File.Exists(Path.Combine(target.Path, ArchivePaths.WellKnownState)).Should().BeFalse("a sharded mirror never writes .well-known");
        var (newer, older) = (checkpoints[0].Shard!, checkpoints[1].Shard!);
        (older.Slice!.Value.Last + 64).Should().Be(newer.Slice!.Value.First);
        newer.FirstFile!.VerifyFollows(older.LastFile!);
        checkpoints.Sum(r => r.CheckpointsMirrored).Should().Be(CheckpointMath.Default.RangeCovering(8000, 10047).Count);
        var report = await new ArchiveVerifier(new LocalArchiveReader(target.Path), new ArchiveVerifierOptions { FromLedger = 8000, ToLedger = 10047 }).VerifyAsync();
        report.Problems.Should().ContainSingle("every file of the range verifies; only the merge writes .well-known")
            .Which.Path.Should().Be(ArchivePaths.WellKnownState);
    }

    [Fact]
    public async Task RunAsync_CheckpointsStageBeforeBuckets_FailsAsMissingNamingTheStateAndTheBucket()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();

        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.TestnetSmall), new LocalArchiveWriter(target.Path), Options(work.Path, 1, 2, ArchiveMirrorStage.Checkpoints)).RunAsync();

        result.Succeeded.Should().BeFalse();
        var problem = result.Problems.Should().ContainSingle().Subject;
        problem.Kind.Should().Be(ProblemKind.Missing);
        problem.Path.Should().StartWith("history/");
        problem.Message.Should().Contain(" names bucket/").And.Contain("--stage buckets");
        PublishAssertions.Relative(target.Path).Should().NotContain(f => f.StartsWith("history/", StringComparison.Ordinal));
    }
}
