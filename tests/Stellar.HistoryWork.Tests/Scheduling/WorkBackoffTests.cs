using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkBackoffTests
{
    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 2, 2)]
    [InlineData(2, 3, 4)]
    [InlineData(3, 5, 8)]
    [InlineData(4, 9, 16)]
    [InlineData(9, 257, 512)]
    [InlineData(10, 257, 512)]
    [InlineData(31, 257, 512)]
    [InlineData(int.MaxValue, 257, 512)]
    public void Bounds_RetriesDone_FollowTheReferenceFormula(int retriesDone, int lowerSeconds, int upperSeconds)
    {
        WorkBackoff.LowerBound(retriesDone).Should().Be(TimeSpan.FromSeconds(lowerSeconds));
        WorkBackoff.UpperBound(retriesDone).Should().Be(TimeSpan.FromSeconds(upperSeconds));
    }

    [Fact]
    public void ReferenceDelay_ManySamples_StayWithinBoundsAndCoverBothEnds()
    {
        var random = new Random(12345);
        for (var n = 0; n <= 12; n++)
        {
            var samples = Enumerable.Range(0, 2000).Select(_ => WorkBackoff.ReferenceDelay(n, random)).ToList();

            samples.Should().OnlyContain(d => d >= WorkBackoff.LowerBound(n) && d <= WorkBackoff.UpperBound(n), "retry {0}", n);
            samples.Should().Contain(WorkBackoff.LowerBound(n)).And.Contain(WorkBackoff.UpperBound(n));
            samples.Should().OnlyContain(d => d.Ticks % TimeSpan.TicksPerSecond == 0, "the reference node waits whole seconds");
        }
    }

    [Fact]
    public void ReferenceDelay_NegativeRetries_Throws()
    {
        var act = () => WorkBackoff.ReferenceDelay(-1);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
