using Microsoft.Extensions.Diagnostics.HealthChecks;
using Stellar.HistoryWork.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the archives' health check.</summary>
public static class HistoryArchivesHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="HistoryArchivesHealthCheck"/> (each archive's reachability and newest checkpoint) for the
    /// archives registered with <c>AddStellarHistoryArchives</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name (default <c>stellar-history-archives</c>).</param>
    /// <param name="failureStatus">The status when no archive answers (default unhealthy).</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddStellarHistoryArchives(this IHealthChecksBuilder builder, string name = "stellar-history-archives", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<HistoryArchivesHealthCheck>(name, failureStatus, tags ?? []);
    }
}
