using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive.Reading;

public class LocalArchiveReaderTests
{
    [Fact]
    public async Task OpenReadAsync_RealFile_StreamsTheExactBytesAndCountsThem()
    {
        using var metrics = new ArchiveMetrics();
        var reader = new LocalArchiveReader(Fixtures.PubnetLegacy, "local-pubnet-" + Guid.NewGuid());
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 12000063);
        var expected = await File.ReadAllBytesAsync(Path.Combine(Fixtures.PubnetLegacy, path));

        (await HttpArchiveReaderTests.ReadAllAsync(reader, path)).Should().Equal(expected);

        metrics.Files(reader.Name).Should().Be(1);
        metrics.Bytes(reader.Name).Should().Be(expected.Length);
    }

    [Fact]
    public async Task OpenReadAsync_Missing_ThrowsNotFoundNamingArchiveAndPath()
    {
        var reader = new LocalArchiveReader(Fixtures.TestnetHotArchive);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 191);

        var act = async () => await reader.OpenReadAsync(path);

        var error = (await act.Should().ThrowAsync<ArchiveFileNotFoundException>()).Which;
        error.Path.Should().Be(path);
        error.ArchiveName.Should().Be("testnet-2026-hot-archive");
    }

    [Fact]
    public void Name_Default_IsTheDirectoryNameNotItsPath()
    {
        var reader = new LocalArchiveReader(Fixtures.TestnetSmall + Path.DirectorySeparatorChar);

        reader.Name.Should().Be("testnet-2025-small");
        reader.Location.Should().Be(Path.GetFullPath(Fixtures.TestnetSmall) + Path.DirectorySeparatorChar);
        reader.ToString().Should().Be(reader.Location, "messages to an operator say where the archive is");
    }

    [Fact]
    public void Name_Given_OverridesTheDefault()
    {
        var reader = new LocalArchiveReader(Fixtures.TestnetSmall, "mirror-eu");

        reader.Name.Should().Be("mirror-eu");
        ((IArchiveReader)reader).Location.Should().Be(reader.Root);
    }

    [Fact]
    public async Task OpenReadAsync_MissingDirectory_ThrowsNotFound()
    {
        var reader = new LocalArchiveReader(Path.Combine(Fixtures.Root, "no-such-archive"));

        var act = async () => await reader.OpenReadAsync(ArchivePaths.WellKnownState);

        await act.Should().ThrowAsync<ArchiveFileNotFoundException>();
    }

    [Fact]
    public async Task OpenReadAsync_EmptyFile_IsValid()
    {
        using var dir = new TempDirectory();
        await new LocalArchiveWriter(dir.Path).PutBytesAsync("results/00/00/00/results-0000003f.xdr.gz", ReadOnlyMemory<byte>.Empty);
        var reader = new LocalArchiveReader(dir.Path);

        (await HttpArchiveReaderTests.ReadAllAsync(reader, "results/00/00/00/results-0000003f.xdr.gz")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("../pubnet-2017-legacy-txsets/.well-known/stellar-history.json")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    public async Task OpenReadAsync_PathEscapingTheRoot_Throws(string path)
    {
        var reader = new LocalArchiveReader(Fixtures.TestnetSmall);

        var act = async () => await reader.OpenReadAsync(path);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task ExistsAsync_PresentAndMissing()
    {
        var reader = new LocalArchiveReader(Fixtures.TestnetSmall);

        (await reader.ExistsAsync(ArchivePaths.HistoryState(63))).Should().BeTrue();
        (await reader.ExistsAsync(ArchivePaths.HistoryState(10047 + 64))).Should().BeFalse();
    }
}
