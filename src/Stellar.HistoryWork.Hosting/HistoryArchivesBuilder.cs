using Microsoft.Extensions.DependencyInjection;

namespace Stellar.HistoryWork.Hosting;

/// <summary>What <c>AddStellarHistoryArchives</c> returns: configures the archives further.</summary>
public sealed class HistoryArchivesBuilder
{
    internal HistoryArchivesBuilder(IServiceCollection services, IHttpClientBuilder httpClient)
    {
        Services = services;
        HttpClient = httpClient;
    }

    /// <summary>The service collection the archives are registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The named client (<see cref="HistoryArchives.HttpClientName"/>) every http(s) archive reads through. Its primary
    /// handler is <see cref="HttpArchiveReader.CreateHandler"/>; add a proxy or a message handler here if needed,
    /// but not retries (the pool retries, on another archive when it can) nor decompression or redirects.
    /// </summary>
    public IHttpClientBuilder HttpClient { get; }

    /// <summary>Reads archive locations of <paramref name="scheme"/> (e.g. <c>s3</c>) with <paramref name="create"/>.</summary>
    /// <param name="scheme">The URI scheme without <c>://</c>.</param>
    /// <param name="create">(services, archive name, location) → reader; a disposable reader is disposed with the host.</param>
    /// <returns>This builder.</returns>
    public HistoryArchivesBuilder AddScheme(string scheme, Func<IServiceProvider, string, string, IArchiveReader> create)
    {
        Services.AddSingleton(new HistoryArchiveScheme(scheme, create));
        return this;
    }
}
