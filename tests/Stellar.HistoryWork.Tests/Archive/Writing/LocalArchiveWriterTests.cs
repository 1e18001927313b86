using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Tests.Archive.Reading;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive.Writing;

public class LocalArchiveWriterTests
{
    [Fact]
    public async Task PutFileAsync_RealCheckpoint_MirrorsItReadablyWithDirectoriesCreated()
    {
        using var dir = new TempDirectory();
        var writer = new LocalArchiveWriter(Path.Combine(dir.Path, "new-archive"));
        var source = new LocalArchiveReader(Fixtures.TestnetHotArchive);
        var state = await HistoryArchiveState.LoadAsync(Path.Combine(Fixtures.TestnetHotArchive, ArchivePaths.HistoryState(127)));
        var paths = Enum.GetValues<HistoryFileKind>().Select(k => ArchivePaths.CheckpointFile(k, 127))
            .Concat(state.GetReferencedBuckets().Select(ArchivePaths.Bucket).Where(p => File.Exists(Path.Combine(Fixtures.TestnetHotArchive, p))))
            .ToList();

        foreach (var path in paths)
        {
            await writer.PutFileAsync(path, Path.Combine(Fixtures.TestnetHotArchive, path));
        }

        await writer.PutBytesAsync(ArchivePaths.HistoryState(127), state.ToUtf8Bytes());
        await writer.PutBytesAsync(ArchivePaths.WellKnownState, state.ToUtf8Bytes());

        var copy = new LocalArchiveReader(Path.Combine(dir.Path, "new-archive"));
        foreach (var path in paths.Append(ArchivePaths.HistoryState(127)))
        {
            (await HttpArchiveReaderTests.ReadAllAsync(copy, path)).Should().Equal(await HttpArchiveReaderTests.ReadAllAsync(source, path), path);
        }

        Directory.EnumerateFiles(dir.Path, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task PutBytesAsync_Rerun_ReplacesTheFile()
    {
        using var dir = new TempDirectory();
        var writer = new LocalArchiveWriter(dir.Path);

        await writer.PutBytesAsync(ArchivePaths.WellKnownState, "first"u8.ToArray());
        await writer.PutBytesAsync(ArchivePaths.WellKnownState, "second, longer"u8.ToArray());

        (await File.ReadAllTextAsync(Path.Combine(dir.Path, ".well-known", "stellar-history.json"))).Should().Be("second, longer");
        (await writer.GetSizeAsync(ArchivePaths.WellKnownState)).Should().Be(14);
    }

    [Fact]
    public async Task GetSizeAsync_MissingFile_IsNull()
    {
        using var dir = new TempDirectory();
        IArchiveWriter writer = new LocalArchiveWriter(dir.Path);

        (await writer.GetSizeAsync(ArchivePaths.HistoryState(63))).Should().BeNull();
        (await writer.ExistsAsync(ArchivePaths.HistoryState(63))).Should().BeFalse();
        await writer.PutBytesAsync(ArchivePaths.HistoryState(63), ReadOnlyMemory<byte>.Empty);
        (await writer.GetSizeAsync(ArchivePaths.HistoryState(63))).Should().Be(0);
        (await writer.ExistsAsync(ArchivePaths.HistoryState(63))).Should().BeTrue();
    }

    [Fact]
    public async Task PutFileAsync_Cancelled_LeavesTheOldFileAndNoTemporary()
    {
        using var dir = new TempDirectory();
        var writer = new LocalArchiveWriter(dir.Path);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 63);
        await writer.PutBytesAsync(path, "old"u8.ToArray());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = async () => await writer.PutFileAsync(path, Path.Combine(Fixtures.TestnetSmall, path), cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await File.ReadAllTextAsync(Path.Combine(dir.Path, path))).Should().Be("old");
        Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).Should().ContainSingle();
    }

    [Fact]
    public async Task PutFileAsync_MissingSource_ThrowsAndWritesNothing()
    {
        using var dir = new TempDirectory();
        var writer = new LocalArchiveWriter(dir.Path);

        var act = async () => await writer.PutFileAsync(ArchivePaths.HistoryState(63), Path.Combine(dir.Path, "nope"));

        await act.Should().ThrowAsync<FileNotFoundException>();
        Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("history/../../escaped")]
    [InlineData("/tmp/escaped")]
    [InlineData("history\\..\\..\\escaped")]
    [InlineData("history/./x")]
    public async Task PutBytesAsync_PathEscapingTheRoot_IsRejected(string path)
    {
        using var dir = new TempDirectory();
        var writer = new LocalArchiveWriter(Path.Combine(dir.Path, "root"));

        var act = async () => await writer.PutBytesAsync(path, "x"u8.ToArray());

        await act.Should().ThrowAsync<ArgumentException>();
        Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }
}
