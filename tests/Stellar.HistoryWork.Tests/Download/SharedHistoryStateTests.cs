using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Download;

public class SharedHistoryStateTests
{
    [Fact]
    public async Task GetProgressAsync_WhileBucketsAreHeldBack_ShowsTheBucketStageAndEveryActiveStage()
    {
        using var work = new TempDirectory();
        var gate = new GatedArchiveReader(new LocalArchiveReader(Fixtures.TestnetSmall), path => path.StartsWith("bucket/", StringComparison.Ordinal));
        using var harness = new CatchupHarness(gate, new CheckpointRange(9983, 10047, CheckpointMath.Default), work.Path);

        var run = harness.RunAsync();
        HistoryWorkProgress progress;
        do
        {
            await Task.Delay(10);
            progress = await harness.State.GetProgressAsync();
        }
        while (progress.Stages.Any(s => s.Stage != HistoryWorkStage.Buckets && s.Status != StageStatus.Succeeded));

        progress.Stage.Should().Be(HistoryWorkStage.Buckets, "every other stage finished while the buckets wait");
        var buckets = progress.Stages.Single(s => s.Stage == HistoryWorkStage.Buckets);
        buckets.Status.Should().Be(StageStatus.Running);
        progress.Message.Should().StartWith($"buckets 0/{buckets.Total} (0%)");
        progress.Bytes.Should().BeGreaterThan(0);

        gate.Open();
        (await run).Succeeded.Should().BeTrue();
        progress = await harness.State.GetProgressAsync();
        progress.Stage.Should().Be(HistoryWorkStage.Completed);
        progress.Message.Should().Contain("ledger headers 2/2 (100%)").And.Contain($"buckets {buckets.Total}/{buckets.Total} (100%)");
    }

    /// <summary>Holds back the files a predicate selects until <see cref="Open"/> is called.</summary>
    private sealed class GatedArchiveReader(IArchiveReader inner, Func<string, bool> held) : IArchiveReader
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => inner.Name;

        public void Open() => _open.TrySetResult();

        public async ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
        {
            if (held(path))
            {
                await _open.Task.WaitAsync(cancellationToken);
            }

            return await inner.OpenReadAsync(path, cancellationToken);
        }

        public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) => inner.ExistsAsync(path, cancellationToken);
    }
}
