using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Stellar.HistoryWork;
using Stellar.HistoryWork.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Stellar history archives in a service collection.</summary>
public static class HistoryArchivesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HistoryArchives"/> bound from <paramref name="configuration"/> (the shape of
    /// <see cref="HistoryArchivesOptions"/>, e.g. <c>configuration.GetSection("HistoryArchives")</c>), validated
    /// when the host starts.
    /// </summary>
    /// <returns>A builder to register more URI schemes (<c>s3://</c>) or configure the HTTP client.</returns>
    public static HistoryArchivesBuilder AddStellarHistoryArchives(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services);
        services.AddOptions<HistoryArchivesOptions>().Bind(configuration);
        return builder;
    }

    /// <summary>Registers <see cref="HistoryArchives"/> configured in code, validated when the host starts.</summary>
    /// <returns>A builder to register more URI schemes (<c>s3://</c>) or configure the HTTP client.</returns>
    public static HistoryArchivesBuilder AddStellarHistoryArchives(this IServiceCollection services, Action<HistoryArchivesOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.AddOptions<HistoryArchivesOptions>().Configure(configure);
        return builder;
    }

    private static HistoryArchivesBuilder AddCore(IServiceCollection services)
    {
        services.AddOptions<HistoryArchivesOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HistoryArchivesOptions>, HistoryArchivesOptionsValidator>());
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HistoryArchives>();

        // The library's own handler (no decompression, no automatic redirects, its connect timeout); no overall
        // timeout (the reader times stalls, a large bucket outlasts any fixed one); no retry handler (the pool
        // retries); no per-request logs (the library logs what matters, with its event ids).
        var http = services.AddHttpClient(HistoryArchives.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => HttpArchiveReader.CreateHandler(
                provider.GetRequiredService<IOptions<HistoryArchivesOptions>>().Value.Http.ToReaderOptions()))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        return new HistoryArchivesBuilder(services, http);
    }
}
