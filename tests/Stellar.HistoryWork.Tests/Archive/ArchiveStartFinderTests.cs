using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive;

public sealed class ArchiveStartFinderTests
{
    [Fact]
    public async Task FindFirstCheckpointAsync_PubnetLegacy_FindsItsFirstHas()
    {
        var first = Directory.EnumerateFiles(Path.Combine(Fixtures.PubnetLegacy, "history"), "history-*.json", SearchOption.AllDirectories)
            .Select(f => Convert.ToUInt32(Path.GetFileNameWithoutExtension(f)["history-".Length..], 16))
            .Min();
        var last = CheckpointMath.Default.CheckpointContaining(first + 1000);

        var found = await new ArchiveStartFinder(new LocalArchiveReader(Fixtures.PubnetLegacy), CheckpointMath.Default).FindFirstCheckpointAsync(last);

        found.Should().Be(first);
    }

    [Fact]
    public async Task FindFirstCheckpointAsync_ProbeUnanswered_ThrowsNamingTheProbe()
    {
        // An unanswered probe used to count as present, so an archive never reached "started at checkpoint 63".
        var reader = new UnansweringReader(new LocalArchiveReader(Fixtures.PubnetLegacy), ArchivePaths.HistoryState(63));

        var act = () => new ArchiveStartFinder(reader, CheckpointMath.Default).FindFirstCheckpointAsync(12_000_063);

        var thrown = (await act.Should().ThrowAsync<ArchiveException>()).Which;
        thrown.Path.Should().Be(ArchivePaths.HistoryState(63));
        thrown.Detail.Should().StartWith("could not find where the archive starts");
        VerificationProblem.FromException(thrown, thrown.Path).Should().ContainSingle().Which.Kind.Should().Be(ProblemKind.Unreachable);
    }

    [Fact]
    public async Task VerifyAsync_StartSearchUnanswered_OneUnreachableProblemAndNoStart()
    {
        var reader = new UnansweringReader(new LocalArchiveReader(Fixtures.PubnetLegacy), ArchivePaths.HistoryState(63));

        var report = await new ArchiveVerifier(reader, new ArchiveVerifierOptions { ToLedger = 12_000_063 }).VerifyAsync();

        report.Ok.Should().BeFalse();
        report.StartsAt.Should().BeNull("no start was found, so none is claimed");
        report.Problems.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Path = ArchivePaths.HistoryState(63), Kind = ProblemKind.Unreachable });
    }

    /// <summary>An archive that gives no answer for one path (a timeout after every retry).</summary>
    private sealed class UnansweringReader(IArchiveReader inner, string unanswered) : IArchiveReader
    {
        public string Name => inner.Name;

        public ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) =>
            path == unanswered ? throw Unanswered(path) : inner.OpenReadAsync(path, cancellationToken);

        public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
            path == unanswered ? throw Unanswered(path) : inner.ExistsAsync(path, cancellationToken);

        private ArchiveException Unanswered(string path) => new(Name, path, "timed out after 3 retries");
    }
}
