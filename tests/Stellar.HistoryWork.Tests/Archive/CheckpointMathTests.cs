namespace Stellar.HistoryWork.Tests.Archive;

public class CheckpointMathTests
{
    [Theory]
    [InlineData(1u, 63u)]
    [InlineData(62u, 63u)]
    [InlineData(63u, 63u)]
    [InlineData(64u, 127u)]
    [InlineData(127u, 127u)]
    [InlineData(10047u, 10047u)]
    [InlineData(12000000u, 12000063u)]
    public void CheckpointContaining_Default_MatchesTheFormula(uint ledger, uint expected)
    {
        CheckpointMath.Default.CheckpointContaining(ledger).Should().Be(expected);
    }

    [Theory]
    [InlineData(1u, 7u)]
    [InlineData(7u, 7u)]
    [InlineData(8u, 15u)]
    [InlineData(16u, 23u)]
    public void CheckpointContaining_Accelerated_UsesFrequency8(uint ledger, uint expected)
    {
        CheckpointMath.Accelerated.CheckpointContaining(ledger).Should().Be(expected);
    }

    [Fact]
    public void CheckpointContaining_HighestLedger_IsTheLastCheckpoint()
    {
        CheckpointMath.Default.CheckpointContaining(uint.MaxValue).Should().Be(uint.MaxValue);
        CheckpointMath.Default.LastCheckpoint.Should().Be(uint.MaxValue);
    }

    [Fact]
    public void CheckpointContaining_OverflowForOddFrequency_Throws()
    {
        var math = new CheckpointMath(100);
        var act = () => math.CheckpointContaining(uint.MaxValue);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void FirstLedgerIn_FirstCheckpoint_IsOne()
    {
        CheckpointMath.Default.FirstLedgerIn(63).Should().Be(1);
        CheckpointMath.Default.LedgerCount(63).Should().Be(63);
        CheckpointMath.Accelerated.FirstLedgerIn(7).Should().Be(1);
        CheckpointMath.Accelerated.LedgerCount(7).Should().Be(7);
    }

    [Fact]
    public void FirstLedgerIn_LaterCheckpoint_IsFrequencyBefore()
    {
        CheckpointMath.Default.FirstLedgerIn(127).Should().Be(64);
        CheckpointMath.Default.LedgerCount(127).Should().Be(64);
        CheckpointMath.Default.FirstLedgerIn(12000063).Should().Be(12000000);
    }

    [Fact]
    public void FirstLedgerIn_NotACheckpoint_Throws()
    {
        var act = () => CheckpointMath.Default.FirstLedgerIn(64);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(63u, true)]
    [InlineData(127u, true)]
    [InlineData(64u, false)]
    [InlineData(0u, false)]
    [InlineData(1u, false)]
    public void IsCheckpoint_Default_OnlyForLastLedgers(uint ledger, bool expected)
    {
        CheckpointMath.Default.IsCheckpoint(ledger).Should().Be(expected);
    }

    [Fact]
    public void PreviousAndNext_StepByFrequency()
    {
        CheckpointMath.Default.Next(63).Should().Be(127);
        CheckpointMath.Default.Previous(127).Should().Be(63);
        CheckpointMath.Default.TryGetPrevious(63, out _).Should().BeFalse();
        var act = () => CheckpointMath.Default.Previous(63);
        act.Should().Throw<ArgumentOutOfRangeException>();
        var last = () => CheckpointMath.Default.Next(uint.MaxValue);
        last.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void RangeCovering_LedgerRange_CoversBothEnds()
    {
        var range = CheckpointMath.Default.RangeCovering(60, 200);
        range.First.Should().Be(63);
        range.Last.Should().Be(255);
        range.Should().Equal(63u, 127u, 191u, 255u);
        range.Count.Should().Be(4);
        range.FirstLedger.Should().Be(1);
    }

    [Fact]
    public void RangeCovering_WholeTestnetArchive_Has157Checkpoints()
    {
        CheckpointMath.Default.RangeCovering(1, 10047).Count.Should().Be(157);
    }

    [Fact]
    public void RangeCovering_Reversed_Throws()
    {
        var act = () => CheckpointMath.Default.RangeCovering(200, 100);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Constructor_FrequencyBelowTwo_Throws()
    {
        var act = () => new CheckpointMath(1);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void CheckpointMath_AgreesWithTheRealArchiveFileNames()
    {
        var checkpoints = Directory.EnumerateFiles(Path.Combine(Stellar.TestSupport.Fixtures.TestnetSmall, "ledger"), "*.xdr.gz", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Stellar.TestSupport.Fixtures.TestnetSmall, f).Replace('\\', '/'))
            .Select(p => ArchivePaths.TryParseCheckpointFile(p, out _, out var c) ? c : throw new InvalidOperationException(p))
            .Order()
            .ToList();
        checkpoints.Should().Equal(CheckpointMath.Default.RangeCovering(1, checkpoints[^1]));
    }
}
