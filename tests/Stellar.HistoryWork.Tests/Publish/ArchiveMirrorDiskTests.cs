using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Publish;

/// <summary>A mirror's work directory holds the batch in flight, not the archive (issue 12 defect 3).</summary>
public class ArchiveMirrorDiskTests
{
    [Fact]
    public async Task RunAsync_BatchesOf16_TheWorkDirectoryHoldsOneBatchAtATimeAndNothingAtTheEnd()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var peak = 0;
        var recording = new RecordingArchiveWriter(target.Path)
        {
            // A batch's files are all in the work directory when its HAS files are written.
            AfterWrite = path =>
            {
                if (ArchivePaths.TryParseHistoryState(path, out _))
                {
                    var held = CheckpointFilesIn(work.Path);
                    lock (work)
                    {
                        peak = Math.Max(peak, held);
                    }
                }
            },
        };
        var options = new ArchiveMirrorOptions
        {
            CheckpointsPerBatch = 16,
            RetryDelay = _ => TimeSpan.FromMilliseconds(1),
            History = new HistoryWorkOptions { WorkDirectory = work.Path },
        };

        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.TestnetSmall), recording, options).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        result.CheckpointsMirrored.Should().Be(157);
        peak.Should().BeInRange(16 * 4, 16 * 5, "one batch's ledger, transactions, results, SCP and HAS files, not the 157 checkpoints' 785");
        Directory.EnumerateFiles(work.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
            .Should().Equal(["mirror-anchor"], "every file left once the target had it; only the last verified state stays");
        PublishAssertions.CopyMatchesSource(Fixtures.TestnetSmall, target.Path);
    }

    private static int CheckpointFilesIn(string work) =>
        new[] { "history", "ledger", "transactions", "results", "scp" }
            .Select(category => Path.Combine(work, category))
            .Where(Directory.Exists)
            .Sum(directory => Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Count());
}
