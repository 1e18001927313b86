using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Tests.Catchup;

/// <summary>
/// <see cref="HistoryCatchup.CatchupByCheckpointAsync"/> streams: the bundled testnet archive served on loopback,
/// the request counts of the server showing what was fetched when.
/// </summary>
public class HistoryCatchupStreamingTests
{
    private const string Testnet = "Test SDF Network ; September 2015";

    // Buckets at 9471, replay 9472..10047: ten checkpoints.
    private static readonly HistoryCatchupRequest Request = new() { ToLedger = 10047, FromLedger = 9500, Trust = CatchupTrust.FromConsensus(HistoryCatchupTests.Trusted(10047)) };

    private static readonly uint[] Checkpoints = [9471, 9535, 9599, 9663, 9727, 9791, 9855, 9919, 9983, 10047];

    [Fact]
    public async Task CatchupByCheckpointAsync_LookAheadOfTwo_FirstCheckpointArrivesBeforeLaterTransactionsAreRequested()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        using var reader = new HttpArchiveReader(server.BaseUri);
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(reader, Options(work, lookAhead: 2));

        IReadOnlyDictionary<string, int>? atFirst = null;
        var received = new List<uint>();
        await foreach (var checkpoint in catchup.CatchupByCheckpointAsync(Request))
        {
            atFirst ??= server.Requests;
            received.Add(checkpoint.Range.Last);
        }

        received.Should().Equal(Checkpoints);
        var transactionsAtFirst = Checkpoints.Where(c => atFirst!.ContainsKey(TransactionsPath(c))).ToList();
        transactionsAtFirst.Should().BeSubsetOf(Checkpoints.Take(2), "the download stays within two checkpoints of the caller, who holds the first");
        atFirst!.Should().ContainKeys(Checkpoints.Select(LedgerPath), "the whole header chain verified before anything was yielded");
        Checkpoints.Should().OnlyContain(c => server.RequestCount(TransactionsPath(c)) == 1, "each file was fetched once in the end");
    }

    [Fact]
    public async Task CatchupByCheckpointAsync_Streamed_EqualsTheWholeCatchup()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        using var reader = new HttpArchiveReader(server.BaseUri);
        using var streamedWork = new TempDirectory();
        using var wholeWork = new TempDirectory();

        var streamed = new List<CheckpointData>();
        await foreach (var checkpoint in new HistoryCatchup(reader, Options(streamedWork, lookAhead: 3)).CatchupByCheckpointAsync(Request))
        {
            streamed.Add(checkpoint);
        }

        var whole = (await new HistoryCatchup(reader, Options(wholeWork, lookAhead: 16)).CatchupAsync(Request)).Data;

        streamed.Should().OnlyContain(c => c.IsTrusted && c.HistoryArchiveState.CurrentLedger == 9471);
        Encoded(streamed.SelectMany(c => c.Headers)).Should().Equal(Encoded(whole.Headers));
        Encoded(streamed.SelectMany(c => c.Transactions)).Should().Equal(Encoded(whole.Transactions));
        Encoded(streamed.SelectMany(c => c.Results)).Should().Equal(Encoded(whole.Results));
        Encoded(streamed.SelectMany(c => c.ScpHistory)).Should().Equal(Encoded(whole.ScpHistory));
        streamed[0].LiveBuckets.Keys.Should().BeEquivalentTo(whole.LiveBuckets.Keys);
        whole.Transactions.Should().NotBeEmpty();
    }

    [Fact]
    public async Task CatchupByCheckpointAsync_DamagedTransactionsInALateCheckpoint_YieldsTheEarlierOnesThenThrowsNamingTheFile()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        var damaged = TransactionsPath(9919);
        server.AddFault(damaged, HttpFault.Corrupt(times: int.MaxValue));
        using var reader = new HttpArchiveReader(server.BaseUri);
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(reader, Options(work, lookAhead: 2, retries: 1), FastRetries());

        var received = new List<uint>();
        var act = Collect(catchup, received);

        var thrown = (await act.Should().ThrowAsync<HistoryCatchupException>()).Which;
        received.Should().Equal(Checkpoints.TakeWhile(c => c < 9919));
        thrown.Message.Should().Contain(damaged).And.Contain("(rule: ");
        thrown.InnerException.Should().BeOfType<HistoryVerificationException>().Which.Problem.Path.Should().Be(damaged);
        thrown.Run!.Works.Single(w => w.State == WorkState.Failed).Attempts.Should().Be(2);
        server.RequestCount(TransactionsPath(10047)).Should().Be(0, "nothing after the damaged checkpoint started while the caller waited for it");
    }

    [Fact]
    public async Task CatchupByCheckpointAsync_DamagedHeaderInTheMiddle_FailsBeforeYieldingAnything()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        var damaged = LedgerPath(9727);
        server.AddFault(damaged, HttpFault.Corrupt(times: int.MaxValue));
        using var reader = new HttpArchiveReader(server.BaseUri);
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(reader, Options(work, lookAhead: 2, retries: 1), FastRetries());

        var received = new List<uint>();
        var act = Collect(catchup, received);

        (await act.Should().ThrowAsync<HistoryCatchupException>()).Which.Message.Should().Contain(damaged);
        received.Should().BeEmpty();
        Checkpoints.Should().OnlyContain(c => server.RequestCount(TransactionsPath(c)) == 0, "no checkpoint file is fetched before the chain verified");
    }

    [Fact]
    public async Task CatchupByCheckpointAsync_CallerStopsAfterTheFirst_StopsTheDownload()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        using var reader = new HttpArchiveReader(server.BaseUri);
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(reader, Options(work, lookAhead: 2));

        await foreach (var checkpoint in catchup.CatchupByCheckpointAsync(Request))
        {
            checkpoint.Range.Last.Should().Be(Checkpoints[0]);
            break;
        }

        Checkpoints.Skip(2).Should().OnlyContain(c => server.RequestCount(TransactionsPath(c)) == 0, "the run ended with the enumeration, within the look-ahead");
    }

    private static HistoryWorkOptions Options(TempDirectory work, int lookAhead, int retries = WorkRetries.AFew) =>
        new() { WorkDirectory = work.Path, NetworkPassphrase = Testnet, MaxConcurrentDownloads = lookAhead, DownloadRetries = retries };

    private static WorkSchedulerOptions FastRetries() => new() { RetryDelay = _ => TimeSpan.FromMilliseconds(1) };

    private static string TransactionsPath(uint checkpoint) => ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);

    private static string LedgerPath(uint checkpoint) => ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint);

    private static List<string> Encoded<T>(IEnumerable<T> entries)
        where T : IXdrType<T> =>
        entries.Select(e =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            e.Encode(new XdrWriter(buffer));
            return Convert.ToHexString(buffer.WrittenSpan);
        }).ToList();

    /// <summary>Enumerates the stream, noting each checkpoint received, until it ends or throws.</summary>
    private static Func<Task> Collect(HistoryCatchup catchup, List<uint> received) => async () =>
    {
        await foreach (var checkpoint in catchup.CatchupByCheckpointAsync(Request))
        {
            received.Add(checkpoint.Range.Last);
        }
    };
}
