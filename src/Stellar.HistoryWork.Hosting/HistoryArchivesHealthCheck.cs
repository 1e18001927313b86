using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Stellar.HistoryWork.Hosting;

/// <summary>
/// Reports each configured archive's reachability and newest checkpoint (its <c>.well-known/stellar-history.json</c>):
/// healthy when every archive answers, degraded when some do (the pool fails over), the registration's failure status
/// when none does. The data holds, per archive name, its newest checkpoint or why it could not be read.
/// </summary>
public sealed class HistoryArchivesHealthCheck : IHealthCheck
{
    private readonly HistoryArchives _archives;

    /// <summary>Checks <paramref name="archives"/>.</summary>
    public HistoryArchivesHealthCheck(HistoryArchives archives) =>
        _archives = archives ?? throw new ArgumentNullException(nameof(archives));

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var checks = _archives.Names.Select(name => NewestCheckpointAsync(name, cancellationToken)).ToArray();
        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        var data = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        uint? newest = null;
        var reachable = 0;
        foreach (var (name, checkpoint, error) in results)
        {
            data[name] = checkpoint is { } c ? c : error!;
            if (checkpoint is { } value)
            {
                reachable++;
                newest = newest is null ? value : Math.Max(newest.Value, value);
            }
        }

        var summary = $"{reachable} of {results.Length} archives reachable" + (newest is null ? string.Empty : $", newest checkpoint {newest}");
        if (reachable == results.Length)
        {
            return HealthCheckResult.Healthy(summary, data);
        }

        return reachable > 0
            ? HealthCheckResult.Degraded(summary, data: data)
            : new HealthCheckResult(context.Registration.FailureStatus, summary, data: data);
    }

    private async Task<(string Name, uint? Checkpoint, string? Error)> NewestCheckpointAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var reader = _archives.Get(name);
            var stream = await reader.OpenReadAsync(ArchivePaths.WellKnownState, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var state = await HistoryArchiveState.ReadAsync(stream, ArchivePaths.WellKnownState, _archives.Options.NetworkPassphrase, cancellationToken).ConfigureAwait(false);
                return (name, state.CurrentLedger, null);
            }
        }
        catch (Exception e) when (e is ArchiveException or HistoryArchiveStateException)
        {
            return (name, null, e.Message);
        }
    }
}
