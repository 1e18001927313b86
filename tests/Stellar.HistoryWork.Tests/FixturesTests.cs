using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests;

public class FixturesTests
{
    [Fact]
    public void Root_ContainsTheThreeRealArchives()
    {
        Directory.Exists(Fixtures.TestnetSmall).Should().BeTrue();
        Directory.Exists(Fixtures.PubnetLegacy).Should().BeTrue();
        Directory.Exists(Fixtures.TestnetHotArchive).Should().BeTrue();
    }
}
