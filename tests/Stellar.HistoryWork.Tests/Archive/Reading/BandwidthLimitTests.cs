using Microsoft.Extensions.Time.Testing;

namespace Stellar.HistoryWork.Tests.Archive.Reading;

public class BandwidthLimitTests
{
    [Fact]
    public void Spend_WithinTheBurst_DoesNotWait()
    {
        var limit = new BandwidthLimit(1000, new FakeTimeProvider());

        limit.Spend(600).Should().Be(TimeSpan.Zero);
        limit.Spend(400).Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void Spend_BeyondTheBucket_WaitsForTheDebt()
    {
        var time = new FakeTimeProvider();
        var limit = new BandwidthLimit(1000, time);

        limit.Spend(1000).Should().Be(TimeSpan.Zero);
        limit.Spend(500).Should().Be(TimeSpan.FromSeconds(0.5));

        time.Advance(TimeSpan.FromSeconds(0.5));
        limit.Spend(1000).Should().Be(TimeSpan.FromSeconds(1), "the average rate holds: 2,500 bytes take 2.5 s");
    }

    [Fact]
    public void Spend_AfterAQuietPeriod_RefillsOnlyOneSecondsWorth()
    {
        var time = new FakeTimeProvider();
        var limit = new BandwidthLimit(1000, time);
        limit.Spend(1000);

        time.Advance(TimeSpan.FromHours(1));

        limit.Spend(1000).Should().Be(TimeSpan.Zero);
        limit.Spend(1000).Should().Be(TimeSpan.FromSeconds(1));
    }
}
