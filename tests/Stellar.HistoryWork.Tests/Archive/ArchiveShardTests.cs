using System.Globalization;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive;

/// <summary>The shard math (issue 14): N contiguous slices, sizes within one, index 0 the newest; each bucket once.</summary>
public class ArchiveShardTests
{
    public static TheoryData<uint, uint, int> Cuts => new()
    {
        { 1u, 10047u, 1 },
        { 1u, 10047u, 8 },
        { 1u, 10047u, 157 },
        { 1u, 10047u, 200 },
        { 100u, 10000u, 7 },
        { 11999999u, 12001023u, 3 },
        { 63u, 63u, 2 },
    };

    [Theory]
    [MemberData(nameof(Cuts))]
    public void SliceOf_AnyRangeAndCount_TilesTheRangeNewestFirstWithSizesWithinOne(uint from, uint to, int count)
    {
        var range = CheckpointMath.Default.RangeCovering(from, to);

        var slices = Enumerable.Range(0, count).Select(i => new ArchiveShard(i, count).SliceOf(range)).ToArray();

        var sizes = slices.Select(s => s?.Count ?? 0).ToArray();
        sizes.Sum().Should().Be(range.Count);
        (sizes.Max() - sizes.Min()).Should().BeLessThanOrEqualTo(1);
        slices[0]!.Value.Last.Should().Be(range.Last, "index 0 is the newest slice");
        var expectedNext = range.First;
        for (var i = count - 1; i >= 0; i--)
        {
            if (slices[i] is not { } slice)
            {
                sizes.Skip(i).Should().OnlyContain(s => s == 0, "only the oldest indexes go without a slice");
                continue;
            }

            slice.First.Should().Be(expectedNext, $"slice {i} continues the one below it");
            expectedNext = slice.Last + range.Math.Frequency;
        }

        expectedNext.Should().Be(range.Last + range.Math.Frequency);
    }

    [Fact]
    public void SliceOf_SameInputs_SameSlices()
    {
        var range = CheckpointMath.Default.RangeCovering(1, 10047);

        new ArchiveShard(3, 8).SliceOf(range).Should().Be(new ArchiveShard(3, 8).SliceOf(range));
        new ArchiveShard(0, 8).SliceOf(range)!.Value.Count.Should().Be(20, "157 = 8 × 19 + 5: the five newest slices take one more");
        new ArchiveShard(7, 8).SliceOf(range)!.Value.Count.Should().Be(19);
    }

    [Fact]
    public void LedgersOf_JobRange_ClipsTheOldestAndNewestSlicesToIt()
    {
        var job = new LedgerRange(100, 10000);
        var math = CheckpointMath.Default;

        new ArchiveShard(0, 4).LedgersOf(job, math)!.Value.Last.Should().Be(10000u);
        new ArchiveShard(3, 4).LedgersOf(job, math)!.Value.First.Should().Be(100u);
        new ArchiveShard(1, 4).LedgersOf(job, math)!.Value.First.Should().Be(math.FirstLedgerIn(new ArchiveShard(1, 4).SliceOf(job.ToCheckpoints(math))!.Value.First));
        new ArchiveShard(5, 6).LedgersOf(new LedgerRange(1, 200), math).Should().BeNull("4 checkpoints leave two of six shards without one");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 4)]
    [InlineData(4, 4)]
    public void Constructor_IndexOutsideTheCount_Throws(int index, int count)
    {
        var act = () => new ArchiveShard(index, count);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void CheckpointBelow_LowestSlice_IsNull()
    {
        var range = CheckpointMath.Default.RangeCovering(1, 10047);

        new ArchiveShard(7, 8).CheckpointBelow(range).Should().BeNull();
        new ArchiveShard(6, 8).CheckpointBelow(range).Should().Be(new ArchiveShard(7, 8).SliceOf(range)!.Value.Last);
    }

    /// <summary>
    /// The claim behind "each bucket once" (a bucket enters the bucket list once and stays until merged away), checked
    /// on the real data: the checkpoints whose HAS names a bucket are contiguous, so skipping the buckets of the HAS just
    /// below a slice assigns every bucket to exactly one shard, whatever the count.
    /// </summary>
    [Theory]
    [InlineData("testnet-2025-small")]
    [InlineData("pubnet-2017-legacy-txsets")]
    public async Task BucketAssignment_RealArchive_EveryReferencedBucketToExactlyOneShard(string fixture)
    {
        var states = await ReadStatesAsync(Path.Combine(Fixtures.Archives, fixture));
        var math = CheckpointMath.Default;
        var range = new CheckpointRange(states.Keys.Min(), states.Keys.Max(), math);
        var distinct = states.Values.SelectMany(b => b).ToHashSet(StringComparer.Ordinal);

        var gaps = distinct.Where(b => !Contiguous(range.Where(c => states[c].Contains(b)).ToArray(), math)).ToArray();
        gaps.Should().BeEmpty("a bucket that leaves the list and comes back would be verified twice");
        foreach (var count in new[] { 1, 2, 8, range.Count })
        {
            var assigned = Enumerable.Range(0, count).SelectMany(i => Assigned(new ArchiveShard(i, count), range, states)).ToArray();

            // As many as there are distinct buckets, and all of them: each exactly once.
            assigned.Length.Should().Be(distinct.Count, $"{count} shards");
            distinct.SetEquals(assigned).Should().BeTrue($"{count} shards assign every referenced bucket");
        }
    }

    private static IEnumerable<string> Assigned(ArchiveShard shard, CheckpointRange range, Dictionary<uint, HashSet<string>> states)
    {
        if (shard.SliceOf(range) is not { } slice)
        {
            return [];
        }

        var below = shard.CheckpointBelow(range) is { } checkpoint ? states[checkpoint] : [];
        return slice.SelectMany(c => states[c]).Distinct(StringComparer.Ordinal).Where(b => !below.Contains(b));
    }

    private static bool Contiguous(uint[] checkpoints, CheckpointMath math) =>
        checkpoints.Zip(checkpoints.Skip(1)).All(p => p.Second == p.First + math.Frequency);

    private static async Task<Dictionary<uint, HashSet<string>>> ReadStatesAsync(string archive)
    {
        var states = new Dictionary<uint, HashSet<string>>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(archive, "history"), "history-*.json", SearchOption.AllDirectories))
        {
            var checkpoint = uint.Parse(Path.GetFileNameWithoutExtension(file)["history-".Length..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            await using var stream = File.OpenRead(file);
            var state = await HistoryArchiveState.ReadAsync(stream, file);
            states[checkpoint] = state.GetReferencedBuckets().ToHashSet(StringComparer.Ordinal);
        }

        return states;
    }
}
