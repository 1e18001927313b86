namespace Stellar.HistoryWork.Tests.Archive;

public class CheckpointRangeTests
{
    private static CheckpointRange Range(uint first, uint last) => new(first, last, CheckpointMath.Default);

    [Fact]
    public void JoinAdjacent_RunsThatMeet_BecomeOneRangeWhateverTheirOrder()
    {
        var joined = CheckpointRange.JoinAdjacent([Range(255, 319), Range(63, 127), Range(447, 447), Range(4095, 4095), Range(383, 383)]);

        joined.Should().Equal(Range(63, 127), Range(255, 447), Range(4095, 4095));
    }

    [Fact]
    public void JoinAdjacent_ACheckpointApart_StaySeparate()
    {
        CheckpointRange.JoinAdjacent([Range(63, 63), Range(191, 191)]).Should().Equal(Range(63, 63), Range(191, 191));
    }

    [Fact]
    public void JoinAdjacent_SingleCheckpoints_JoinIntoRuns()
    {
        var singles = new uint[] { 63, 127, 191, 319, 383, 4294967231 }.Select(c => Range(c, c));

        CheckpointRange.JoinAdjacent(singles).Should().Equal(Range(63, 191), Range(319, 383), Range(4294967231, 4294967231));
    }

    [Fact]
    public void JoinAdjacent_AcceleratedMath_UsesItsFrequency()
    {
        var math = CheckpointMath.Accelerated;

        CheckpointRange.JoinAdjacent([new CheckpointRange(7, 7, math), new CheckpointRange(15, 23, math)])
            .Should().Equal(new CheckpointRange(7, 23, math));
    }
}
