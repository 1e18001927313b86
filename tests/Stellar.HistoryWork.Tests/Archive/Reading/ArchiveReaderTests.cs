using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive.Reading;

public class ArchiveReaderTests
{
    [Theory]
    [InlineData("http://127.0.0.1:1234/archive", "http://127.0.0.1:1234/archive/")]
    [InlineData("https://history.stellar.org/prd/core-live/core_live_001/", "https://history.stellar.org/prd/core-live/core_live_001/")]
    public void FromLocation_HttpUri_GivesAnHttpReader(string location, string expectedBase)
    {
        var reader = ArchiveReader.FromLocation(location);

        reader.Should().BeOfType<HttpArchiveReader>().Which.BaseUri.AbsoluteUri.Should().Be(expectedBase);
        ((IDisposable)reader).Dispose();
    }

    [Fact]
    public void FromLocation_FileUri_GivesALocalReader()
    {
        var reader = ArchiveReader.FromLocation(new Uri(Fixtures.TestnetSmall).AbsoluteUri);

        reader.Should().BeOfType<LocalArchiveReader>().Which.Root.Should().Be(Path.GetFullPath(Fixtures.TestnetSmall));
    }

    [Fact]
    public void FromLocation_PlainPath_GivesALocalReader()
    {
        var reader = ArchiveReader.FromLocation(Fixtures.PubnetLegacy);

        reader.Should().BeOfType<LocalArchiveReader>().Which.Root.Should().Be(Path.GetFullPath(Fixtures.PubnetLegacy));
    }

    [Theory]
    [InlineData("s3://bucket/archive")]
    [InlineData("ftp://host/archive")]
    [InlineData("file:relative/path")]
    [InlineData("  ")]
    public void FromLocation_Unsupported_Throws(string location)
    {
        var act = () => ArchiveReader.FromLocation(location);

        act.Should().Throw<ArgumentException>();
    }
}
