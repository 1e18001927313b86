using Stellar.HistoryWork.IO;
using Stellar.HistoryWork.Tests.Support;

namespace Stellar.HistoryWork.Tests.IO;

/// <summary>
/// Issue 10 row 6: what a killed run leaves (temporary and unbound files) is swept, and a live writer's temporary file
/// — another run's, at the same moment — never is. A killed run's leftovers are old by the time a rerun looks; the tests
/// age them by their modification time instead of waiting.
/// </summary>
public class AtomicFileSweepTests
{
    [Fact]
    public void SweepStale_LeftoversOfAKilledRun_AreDeletedAndNothingElse()
    {
        using var temp = new TempDirectory();
        var directory = Path.Combine(temp.Path, "bucket", "aa", "bb", "cc");
        Directory.CreateDirectory(directory);
        var leftovers = new[]
        {
            Path.Combine(directory, ".bucket-aa.xdr.gz.0123456789ab.partial"),
            Path.Combine(directory, "bucket-aa.xdr.gz.0123456789ab.partial"),
            Path.Combine(temp.Path, ".ledger-0000003f.xdr.gz." + new string('e', 32) + ".tmp"),
            Path.Combine(temp.Path, ".history-0000003f.json.unbound"),
        };
        var kept = new[]
        {
            Path.Combine(directory, "bucket-aa.xdr.gz"),
            Path.Combine(directory, ".bucket-aa.xdr.gz.notahexname!.partial"),
            Path.Combine(temp.Path, "notes.partial"),
        };
        foreach (var file in leftovers.Concat(kept))
        {
            File.WriteAllText(file, "x");
            Age(file);
        }

        var fresh = Path.Combine(directory, ".bucket-bb.xdr.gz.ba9876543210.partial");
        File.WriteAllText(fresh, "x");

        AtomicFile.SweepStale(temp.Path, recursive: true, TimeProvider.System).Should().Be(leftovers.Length);

        leftovers.Should().OnlyContain(f => !File.Exists(f));
        kept.Should().OnlyContain(f => File.Exists(f));
        File.Exists(fresh).Should().BeTrue("a file just created may not be locked yet by its writer");
    }

    [Fact]
    public async Task WriteAsync_AnotherRunSweepsWhileAWriteIsLive_TheLiveFileSurvivesAndLands()
    {
        using var temp = new TempDirectory();
        var final = Path.Combine(temp.Path, "ledger", "ledger-0000003f.xdr.gz");
        var writing = new TaskCompletionSource();
        var release = new TaskCompletionSource();

        // Run 1: a write in progress, its temporary file made to look old.
        var live = AtomicFile.WriteAsync(final, async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[] { 1, 2, 3 }, ct);
            await stream.FlushAsync(ct);
            Age(stream.Name);
            writing.SetResult();
            await release.Task;
        }, CancellationToken.None);
        await writing.Task;
        var temporary = Directory.GetFiles(Path.GetDirectoryName(final)!).Should().ContainSingle().Which;

        // Run 2, at the same moment: its start sweeps the same tree, and it writes into the same directory (which sweeps it too).
        AtomicFile.SweepStale(temp.Path, recursive: true, TimeProvider.System).Should().Be(0);
        await AtomicFile.WriteAsync(Path.Combine(temp.Path, "ledger", "ledger-0000007f.xdr.gz"), (stream, ct) => stream.WriteAsync(new byte[] { 4 }, ct).AsTask(), CancellationToken.None);
        File.Exists(temporary).Should().BeTrue("the live run holds its lock");

        release.SetResult();
        await live;
        File.ReadAllBytes(final).Should().Equal(1, 2, 3);
        Directory.GetFiles(Path.GetDirectoryName(final)!).Select(Path.GetFileName).Should().BeEquivalentTo("ledger-0000003f.xdr.gz", "ledger-0000007f.xdr.gz");
    }

    private static void Age(string file) => File.SetLastWriteTimeUtc(file, DateTime.UtcNow - TimeSpan.FromMinutes(5));
}
