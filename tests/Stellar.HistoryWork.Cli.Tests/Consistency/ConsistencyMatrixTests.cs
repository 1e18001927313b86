using System.Globalization;
using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Tests.BadInput;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Consistency;

/// <summary>
/// Issue 9's consistency matrix: for each real input, <c>verify</c>, <c>catchup</c> and <c>mirror</c> (through the
/// command's real entry point) and the library's builder, each asserted against what it must say about that input,
/// written down here per row — not merely that they agree with one another.
/// </summary>
/// <remarks>
/// The ranges differ per verb by design and the expectations follow: <c>verify</c> also checks the root state,
/// <c>catchup</c> takes the reference node's minimal range, <c>mirror</c> copies every checkpoint of its range.
/// Every verb runs with <c>--retries 0</c> (one attempt per read), so the unreachable row fails at once.
/// </remarks>
public class ConsistencyMatrixTests
{
    private const string Ledger127 = "ledger/00/00/00/ledger-0000007f.xdr.gz";

    private static readonly string Newest10047 = "10047:" + LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.TestnetSmall, 10047));

    private static readonly string Ledger100 = "100:" + LedgerFiles.HashAt(ArchiveFixtures.LedgerFile(Fixtures.TestnetSmall, 127), 100 - 64);

    private static readonly uint PubnetFirst = ArchiveFixtures.FirstCheckpoint(Fixtures.PubnetLegacy);

    private static readonly uint PubnetNewest = ArchiveFixtures.CurrentLedger(Fixtures.PubnetLegacy);

    public static TheoryData<string> Rows => [.. All.Select(r => r.Name)];

    private static IEnumerable<Row> All =>
    [
        new Row("testnet-clean", _ => Fixtures.TestnetSmall, ["--from", "9000", "--to", "10047"])
        {
            Verify = Outcome.Ok(), Catchup = Outcome.Ok(), Mirror = Outcome.Ok(), Library = Outcome.Ok(), LibraryRange = (9023, 10047),
        },
        new Row("testnet-trusted-newest", _ => Fixtures.TestnetSmall, ["--from", "9000", "--to", "10047", "--trusted-hash", Newest10047])
        {
            Verify = Outcome.Ok(10047), Catchup = Outcome.Ok(10047), Mirror = Outcome.Ok(10047), Library = Outcome.Ok(10047), LibraryRange = (9023, 10047),
        },
        new Row("trusted-hash-inside-a-checkpoint", _ => Fixtures.TestnetSmall, ["--from", "64", "--to", "127", "--trusted-hash", Ledger100])
        {
            Verify = Outcome.Ok(100), Catchup = Outcome.Ok(100), Mirror = Outcome.Ok(100), Library = Outcome.Ok(100), LibraryRange = (127, 127),
        },
        new Row("wrong-trusted-hash", _ => Fixtures.TestnetSmall, ["--from", "64", "--to", "127", "--trusted-hash", "127:" + new string('0', 64)])
        {
            Verify = Outcome.Problems("untrusted", Ledger127),
            Catchup = Outcome.Problems("untrusted", Ledger127),
            Mirror = Outcome.Problems("untrusted", Ledger127),
            Library = Outcome.Problems("untrusted", Ledger127),
            LibraryRange = (127, 127),
        },
        new Row("trusted-hash-outside-the-range", _ => Fixtures.TestnetSmall, ["--from", "4928", "--to", "5055", "--trusted-hash", "20031:" + new string('a', 64)])
        {
            Verify = Outcome.Rejected, Catchup = Outcome.Rejected, Mirror = Outcome.Rejected, Library = Outcome.Rejected, LibraryRange = (4991, 5055),
        },
        new Row("partial-archive-from-its-start", _ => Fixtures.PubnetLegacy, [])
        {
            CatchupArgs = ["--to", PubnetNewest.ToString(CultureInfo.InvariantCulture)],
            Verify = Outcome.Ok(), Catchup = Outcome.Ok(), Mirror = Outcome.Ok(), Library = Outcome.Ok(), LibraryRange = (PubnetFirst, PubnetNewest),
        },
        new Row("partial-archive-from-genesis", _ => Fixtures.PubnetLegacy, ["--from", "1"])
        {
            // One problem for the whole run before the start; catchup and mirror stop before downloading. The library's
            // builder takes a checkpoint range and is not asked to download 187,000 absent checkpoints.
            CatchupArgs = ["--from", "1", "--to", PubnetNewest.ToString(CultureInfo.InvariantCulture)],
            Verify = Outcome.Problems("missing", "history/00/00/00/history-0000003f.json"),
            Catchup = Outcome.Problems("missing", "history/00/00/00/history-0000003f.json"),
            Mirror = Outcome.Problems("missing", "history/00/00/00/history-0000003f.json"),
        },
        new Row("hot-archive-missing-buckets", _ => Fixtures.TestnetHotArchive, [])
        {
            CatchupArgs = ["--to", "127"],
            Verify = Outcome.Problems(["bucket-list-mismatch", "missing"], [ArchivePaths.WellKnownState, .. AbsentBuckets(63, 127)]),
            Catchup = Outcome.Problems("missing", AbsentBuckets(127)),
            Mirror = Outcome.Problems("missing", AbsentBuckets(63, 127)),
            Library = Outcome.Problems("missing", AbsentBuckets(127)),
            LibraryRange = (127, 127),
        },
        BadInput("truncated-gzip", "corrupt", BadArchive.Ledger),
        BadInput("bucket-gzip-of-garbage", "hash-mismatch", BadArchive.Bucket),
        BadInput("transactions-out-of-order", "corrupt", BadArchive.Transactions),
        BadInput("has-non-hex-hash", "corrupt", BadArchive.State),
        BadInput("bucket-html-named-by-its-hash", "corrupt", BadInputCase.Get("bucket-html-named-by-its-hash").Path),
        BadInput("has-v2-unbound-hot-archive", "bucket-list-mismatch", BadArchive.State),
        new Row("results-file-missing", temp => Damaged(temp, a => File.Delete(a[BadArchive.Results])), ["--from", "64", "--to", "127"])
        {
            CatchupArgs = ["--to", "127"],
            Verify = Outcome.Problems("missing", BadArchive.Results),
            Catchup = Outcome.Problems("missing", BadArchive.Results),
            Mirror = Outcome.Problems("missing", BadArchive.Results),
            Library = Outcome.Problems("missing", BadArchive.Results),
            LibraryRange = (127, 127),
        },
        new Row("unreachable-archive", _ => RefusingArchive.Location(), ["--from", "64", "--to", "127"])
        {
            // Nothing listens: every read is refused. That is "unreachable" (exit 3: retry later), never "missing" or
            // damage. catchup and mirror stop at the root state they plan with; verify reads the root state too and
            // stops at the search for the archive's start, naming the first probe that went unanswered (it used to
            // count that probe as present and claim the archive started at checkpoint 63). The builder is given its
            // range and names the HAS it needed.
            CatchupArgs = ["--to", "127"],
            Verify = Outcome.Unreachable(ArchivePaths.WellKnownState, "history/00/00/00/history-0000003f.json"),
            Catchup = Outcome.Unreachable(ArchivePaths.WellKnownState),
            Mirror = Outcome.Unreachable(ArchivePaths.WellKnownState),
            Library = Outcome.Unreachable("history/00/00/00/history-0000007f.json"),
            LibraryRange = (127, 127),
        },
        new Row("root-claims-ledger-4294967295", temp => Damaged(temp, ClaimLastLedger), [])
        {
            // Only the command reads the root state; the builder is given its range.
            CatchupArgs = ["--to", "127"],
            Verify = Outcome.Problems("corrupt", ArchivePaths.WellKnownState),
            Catchup = Outcome.Problems("corrupt", ArchivePaths.WellKnownState),
            Mirror = Outcome.Problems("corrupt", ArchivePaths.WellKnownState),
        },
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task EveryEntryPoint_RealInput_SaysWhatTheRowExpects(string name)
    {
        var row = All.Single(r => r.Name == name);
        using var temp = new TempDirectory();
        var archive = row.Archive(temp);

        var (verify, verifyRun) = await ConsistencyRun.CommandAsync(temp, "verify", ["verify", "--archive", archive, .. row.Args, "--retries", "0"]);
        var (catchup, catchupRun) = await ConsistencyRun.CommandAsync(temp, "catchup", ["catchup", "--archive", archive, .. row.CatchupArgs ?? row.Args, "--out", temp.Combine("catchup-out"), "--retries", "0"]);
        var (mirror, mirrorRun) = await ConsistencyRun.CommandAsync(temp, "mirror", ["mirror", "--archive", archive, .. row.Args, "--to-archive", temp.Combine("mirror-out"), "--retries", "0"]);

        verify.Should().BeEquivalentTo(row.Verify, o => o.WithStrictOrdering(), verifyRun.ToString());
        catchup.Should().BeEquivalentTo(row.Catchup, o => o.WithStrictOrdering(), catchupRun.ToString());
        mirror.Should().BeEquivalentTo(row.Mirror, o => o.WithStrictOrdering(), mirrorRun.ToString());
        if (row.Library is { } expected)
        {
            var trusted = row.Args.SkipWhile(a => a != "--trusted-hash").Skip(1).FirstOrDefault();
            var range = new CheckpointRange(row.LibraryRange.First, row.LibraryRange.Last, CheckpointMath.Default);
            var library = await ConsistencyRun.LibraryAsync(archive, range, trusted is null ? null : TrustedLedgerHash.Parse(trusted), temp);
            library.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        }
    }

    /// <summary>A row of the bad-input table on <see cref="BadArchive"/> (checkpoints 63 and 127), damaged at checkpoint 127.</summary>
    private static Row BadInput(string name, string kind, string path) =>
        new(name, temp => Damaged(temp, BadInputCase.Get(name).Damage), ["--from", "64", "--to", "127"])
        {
            CatchupArgs = ["--to", "127"],
            Verify = Outcome.Problems(kind, path),
            Catchup = Outcome.Problems(kind, path),
            Mirror = Outcome.Problems(kind, path),
            Library = Outcome.Problems(kind, path),
            LibraryRange = (127, 127),
        };

    /// <summary>A damaged copy of <see cref="BadArchive"/> under <paramref name="temp"/>.</summary>
    private static string Damaged(TempDirectory temp, Action<BadArchive> damage)
    {
        using var archive = new BadArchive();
        damage(archive);
        return ArchiveFixtures.CopyArchive(archive.Root, temp, "damaged");
    }

    private static void ClaimLastLedger(BadArchive archive)
    {
        var root = archive[ArchivePaths.WellKnownState];
        File.WriteAllText(root, File.ReadAllText(root).Replace("\"currentLedger\": 127", "\"currentLedger\": 4294967295", StringComparison.Ordinal));
    }

    /// <summary>Buckets the fixture's checkpoint HAS files reference but the folder lacks, read from the files themselves.</summary>
    private static string[] AbsentBuckets(params uint[] checkpoints)
    {
        var absent = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var checkpoint in checkpoints)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.TestnetHotArchive, ArchivePaths.HistoryState(checkpoint))));
            foreach (var list in new[] { "currentBuckets", "hotArchiveBuckets" })
            {
                if (!json.RootElement.TryGetProperty(list, out var levels))
                {
                    continue;
                }

                foreach (var level in levels.EnumerateArray())
                {
                    var hashes = new List<string> { level.GetProperty("curr").GetString()!, level.GetProperty("snap").GetString()! };
                    if (level.GetProperty("next").TryGetProperty("output", out var output))
                    {
                        hashes.Add(output.GetString()!);
                    }

                    foreach (var hash in hashes.Where(h => h.Any(c => c != '0')))
                    {
                        var path = ArchivePaths.Bucket(hash);
                        if (!File.Exists(Path.Combine(Fixtures.TestnetHotArchive, path)))
                        {
                            absent.Add(path);
                        }
                    }
                }
            }
        }

        return [.. absent];
    }

    /// <summary>One input and what each entry point must say about it; a null expectation is not run.</summary>
    private sealed record Row(string Name, Func<TempDirectory, string> Archive, string[] Args)
    {
        /// <summary>The arguments of <c>catchup</c> when they differ (it needs <c>--to</c>).</summary>
        public string[]? CatchupArgs { get; init; }

        public required Outcome Verify { get; init; }

        public required Outcome Catchup { get; init; }

        public required Outcome Mirror { get; init; }

        public Outcome? Library { get; init; }

        public (uint First, uint Last) LibraryRange { get; init; }
    }
}
