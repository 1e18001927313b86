using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Stellar.HistoryWork.Hosting.Tests;

/// <summary>A Generic Host whose archives come from in-memory configuration, as appsettings.json would give them.</summary>
internal static class HostedArchives
{
    public const string Testnet = "Test SDF Network ; September 2015";

    public static IHost Build(IReadOnlyDictionary<string, string?> settings, Action<HistoryArchivesBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(settings);
        var archives = builder.Services.AddStellarHistoryArchives(builder.Configuration.GetSection(HistoryArchivesOptions.DefaultSectionName));
        configure?.Invoke(archives);
        builder.Services.AddHealthChecks().AddStellarHistoryArchives();
        return builder.Build();
    }

    public static Dictionary<string, string?> Archives(params (string Name, string Get)[] archives)
    {
        var settings = new Dictionary<string, string?> { ["HistoryArchives:NetworkPassphrase"] = Testnet };
        foreach (var (name, get) in archives)
        {
            settings[$"HistoryArchives:Archives:{name}:Get"] = get;
        }

        return settings;
    }
}
