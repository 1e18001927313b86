using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Publish;

/// <summary>Live progress of a mirror per checkpoint and per file (issue 12), read at every write the target sees.</summary>
public class ArchiveMirrorProgressTests
{
    [Fact]
    public async Task GetProgressAsync_DuringAMirror_CountsCheckpointsOneByOneAndTheBatchFilesAndBytes()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var seen = new List<(string Path, HistoryWorkProgress? Progress)>();
        ArchiveMirror? mirror = null;
        var recording = new RecordingArchiveWriter(target.Path)
        {
            AfterWrite = path =>
            {
                var progress = mirror!.GetProgressAsync().GetAwaiter().GetResult();
                lock (seen)
                {
                    seen.Add((path, progress));
                }
            },
        };
        mirror = new ArchiveMirror(new LocalArchiveReader(Fixtures.PubnetLegacy), recording, new ArchiveMirrorOptions
        {
            RetryDelay = _ => TimeSpan.FromMilliseconds(1),
            History = new HistoryWorkOptions { WorkDirectory = work.Path },
        });
        (await mirror.GetProgressAsync()).Should().BeNull("nothing is known before the range is resolved");

        var result = await mirror.RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        var states = seen.Where(s => ArchivePaths.TryParseHistoryState(s.Path, out _)).Select(s => (int)s.Progress!.Of(HistoryWorkStage.Publishing)!.Done).ToList();
        states.Should().Equal(Enumerable.Range(0, 17), "each checkpoint counts as its HAS reaches the target, one by one");
        var data = seen.Where(s => !ArchivePaths.TryParseHistoryState(s.Path, out _) && s.Path != ArchivePaths.WellKnownState).Select(s => s.Progress!).ToList();
        // Files land in parallel, so the counts read at each write interleave, but each file counts as it lands.
        data.Select(p => p.Files).Distinct().Count().Should().BeGreaterThan(data.Count / 2, "every file counts as it lands");
        data.Should().OnlyContain(p => p.Batch == result.Range && p.Stages.Count > 1);
        data[^1].Stages.Should().Contain(s => s.Stage == HistoryWorkStage.Buckets && s.Total > 0 && s.Done == s.Total && s.Bytes > 0);
        var end = await mirror.GetProgressAsync();
        end!.Of(HistoryWorkStage.Publishing)!.Done.Should().Be(17);
        end.Stage.Should().Be(HistoryWorkStage.Completed, end.Message);
        end.Batch.Should().BeNull();
        end.Files.Should().Be(result.FilesWritten);
    }
}
