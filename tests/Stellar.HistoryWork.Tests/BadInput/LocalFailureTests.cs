using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.BadInput;

/// <summary>
/// Issue 10 row 14: this machine failing at its own files (a full disk) is a local error, never the archive's
/// damage (<c>corrupt</c>) nor an unreachable archive. The disk-full errors are real: writes to /dev/full.
/// </summary>
public class LocalFailureTests
{
    [Fact]
    public void ToProblems_DiskFullWhileWritingOurCopy_IsALocalErrorNotUnreachable()
    {
        var full = DiskFullError();

        FailureClassifier.Classify(full).Should().Be(FailureClass.LocalStorage);
        FailureClassifier.IsRetryable(full).Should().BeFalse("a full disk does not heal between attempts");
        FailureClassifier.ToProblem(full, "bucket/aa/bb/cc/bucket-aa.xdr.gz").Kind.Should().Be(ProblemKind.LocalError);
        FailureClassifier.ToProblem(new AggregateException(full), "bucket/aa/bb/cc/bucket-aa.xdr.gz").Kind.Should().Be(ProblemKind.LocalError);
        FailureClassifier.ToProblem(new UnauthorizedAccessException("Access to the path '/out/x' is denied."), "x").Kind.Should().Be(ProblemKind.LocalError);
    }

    [Fact]
    public void ToProblems_ArchiveReadFailure_StaysUnreachable()
    {
        var read = new ArchiveTransientException("archive", "ledger/00/00/00/ledger-0000003f.xdr.gz", "connection reset", new IOException("reset"));

        FailureClassifier.ToProblem(read, read.Path!).Kind.Should().Be(ProblemKind.Unreachable);
    }

    [Fact]
    public async Task RunAsync_MirrorTargetDiskFull_ReportsLocalErrorsAndStopsWithoutRetrying()
    {
        using var work = new TempDirectory();
        var target = new DiskFullWriter();
        var retries = new List<string>();

        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.TestnetSmall), target, new ArchiveMirrorOptions
        {
            FromLedger = 9000,
            ToLedger = 9100,
            RetryDelay = _ => TimeSpan.FromMilliseconds(1),
            WorkProgress = new SynchronousProgress(e =>
            {
                if (e.State == WorkState.WaitingToRetry)
                {
                    lock (retries)
                    {
                        retries.Add(e.Name);
                    }
                }
            }),
            History = new HistoryWorkOptions { WorkDirectory = work.Path },
        }).RunAsync();

        result.Succeeded.Should().BeFalse();
        result.Problems.Should().NotBeEmpty();
        result.Problems.Should().OnlyContain(p => p.Kind == ProblemKind.LocalError, "the source is sound; only this machine's disk failed");
        result.Problems[0].Message.Should().Contain("No space left on device");
        retries.Should().BeEmpty("a full disk fails the publish work at its first write instead of retrying");
    }

    [Fact]
    public async Task PutBytesAsync_SymlinksInTheTarget_OnlyThoseLeadingOutsideAreRefused()
    {
        using var temp = new TempDirectory();
        var root = Path.Combine(temp.Path, "root");
        var outside = Path.Combine(temp.Path, "outside");
        Directory.CreateDirectory(Path.Combine(root, "elsewhere"));
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "inside"), "elsewhere");
        Directory.CreateSymbolicLink(Path.Combine(root, "escape"), Path.Combine("..", "outside"));
        Directory.CreateSymbolicLink(Path.Combine(root, "hop"), "escape");
        File.CreateSymbolicLink(Path.Combine(root, "elsewhere", "file"), Path.Combine(outside, "file"));
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "root-link"), root);
        var writer = new LocalArchiveWriter(Path.Combine(temp.Path, "root-link"));

        await writer.PutBytesAsync("inside/a", new byte[] { 1 });
        File.ReadAllBytes(Path.Combine(root, "elsewhere", "a")).Should().Equal(1);
        foreach (var refused in new[] { "escape/a", "hop/a", "hop/deeper/a", "inside/file", "elsewhere/file" })
        {
            var write = async () => await writer.PutBytesAsync(refused, new byte[] { 2 });
            (await write.Should().ThrowAsync<IOException>(refused)).Which.Message.Should().Contain("outside");
        }

        Directory.EnumerateFileSystemEntries(outside).Should().BeEmpty();
    }

    private static IOException DiskFullError()
    {
        try
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            full.Write(new byte[4096]);
            full.Flush();
        }
        catch (IOException e)
        {
            return e;
        }

        throw new InvalidOperationException("/dev/full accepted a write");
    }

    private sealed class SynchronousProgress(Action<WorkEvent> report) : IProgress<WorkEvent>
    {
        public void Report(WorkEvent value) => report(value);
    }

    /// <summary>A target whose every write goes to /dev/full: the real ENOSPC a full disk gives.</summary>
    private sealed class DiskFullWriter : IArchiveWriter
    {
        public string Name => "full-disk";

        public IArchiveReader? Reader => null;

        public async ValueTask PutBytesAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            await using (full)
            {
                await full.WriteAsync(data.Length == 0 ? new byte[1] : data, cancellationToken);
                await full.FlushAsync(cancellationToken);
            }
        }

        public async ValueTask PutFileAsync(string path, string localFile, CancellationToken cancellationToken = default) =>
            await PutBytesAsync(path, await File.ReadAllBytesAsync(localFile, cancellationToken), cancellationToken);

        public ValueTask<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);
    }
}
