using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Hosting;

/// <summary>
/// The configured archives of a host (a singleton): a reader per name and one pool of them all, made with the host's
/// <see cref="IHttpClientFactory"/>, <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/> and
/// <see cref="IMeterFactory"/> — the one place where those are plugged into the library. Options for the work the
/// archives feed (<see cref="CreateWorkOptions"/>, <see cref="CreateSchedulerOptions"/>) carry the same services.
/// </summary>
public sealed class HistoryArchives : IDisposable
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client every http(s) archive reads through.</summary>
    public const string HttpClientName = "Stellar.HistoryWork.Archives";

    private readonly Dictionary<string, IArchiveReader> _readers = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IDisposable> _owned = [];

    /// <summary>Makes a reader for every configured archive (no request is sent here).</summary>
    /// <param name="options">The bound, validated archives.</param>
    /// <param name="services">Resolves the readers of registered schemes.</param>
    /// <param name="httpClients">Makes the http(s) archives' clients.</param>
    /// <param name="schemes">Readers for other URI schemes.</param>
    /// <param name="timeProvider">The host's clock.</param>
    /// <param name="loggerFactory">The host's logging.</param>
    /// <param name="meterFactory">The host's metrics.</param>
    public HistoryArchives(
        IOptions<HistoryArchivesOptions> options,
        IServiceProvider services,
        IHttpClientFactory httpClients,
        IEnumerable<HistoryArchiveScheme> schemes,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(schemes);
        Options = options.Value;
        TimeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        LoggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        MeterFactory = meterFactory ?? throw new ArgumentNullException(nameof(meterFactory));
        var byScheme = schemes.ToDictionary(s => s.Scheme, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, archive) in Options.Archives)
        {
            var location = HistoryArchiveLocation.Resolve(archive.Get, out var error)
                ?? throw new OptionsValidationException(name, typeof(HistoryArchivesOptions), [error!]);
            var scheme = HistoryArchiveLocation.SchemeOf(location);
            IArchiveReader reader = scheme switch
            {
                "http" or "https" => ArchiveReader.FromLocation(location, httpClients.CreateClient(HttpClientName), Options.Http.ToReaderOptions(name, TimeProvider, MeterFactory)),
                null or "file" => ArchiveReader.FromLocation(location),
                _ when byScheme.TryGetValue(scheme, out var custom) => custom.Create(services, name, location),
                _ => throw new OptionsValidationException(name, typeof(HistoryArchivesOptions), [$"no reader is registered for {scheme}://"]),
            };
            if (reader is IDisposable disposable)
            {
                _owned.Add(disposable);
            }

            _readers.Add(name, reader);
        }

        Names = [.. _readers.Keys];
        Checkpoints = new CheckpointMath(Options.CheckpointFrequency);
        Pool = new ArchivePool(_readers.Values, new ArchivePoolOptions
        {
            MaxConcurrency = Options.MaxConcurrency,
            TimeProvider = TimeProvider,
            LoggerFactory = LoggerFactory,
            MeterFactory = MeterFactory,
        });
    }

    /// <summary>The bound options.</summary>
    public HistoryArchivesOptions Options { get; }

    /// <summary>The archives' names, as configured.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Every archive as one pool: failover, retries with backoff, adaptive concurrency per archive.</summary>
    public ArchivePool Pool { get; }

    /// <summary>The checkpoint frequency of <see cref="HistoryArchivesOptions.CheckpointFrequency"/>.</summary>
    public CheckpointMath Checkpoints { get; }

    /// <summary>The host's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The host's logging.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The host's metrics.</summary>
    public IMeterFactory MeterFactory { get; }

    /// <summary>The reader of the archive named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">No archive has that name.</exception>
    public IArchiveReader Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _readers.TryGetValue(name, out var reader)
            ? reader
            : throw new KeyNotFoundException($"no history archive is named '{name}' (configured: {string.Join(", ", Names)})");
    }

    /// <summary>
    /// Download options with the configured passphrase and checkpoint frequency and the host's clock, logging and
    /// metrics; the caller adds the trust (<see cref="HistoryWorkOptions.TrustedHash"/>) and a work directory.
    /// </summary>
    public HistoryWorkOptions CreateWorkOptions() => new()
    {
        Checkpoints = Checkpoints,
        NetworkPassphrase = Options.NetworkPassphrase,
        MaxConcurrentDownloads = Options.MaxConcurrency,
        TimeProvider = TimeProvider,
        LoggerFactory = LoggerFactory,
        MeterFactory = MeterFactory,
    };

    /// <summary>Scheduler options with the configured concurrency and the host's clock, logging and metrics.</summary>
    public WorkSchedulerOptions CreateSchedulerOptions() => new()
    {
        MaxConcurrency = Options.MaxConcurrency,
        TimeProvider = TimeProvider,
        LoggerFactory = LoggerFactory,
        MeterFactory = MeterFactory,
    };

    /// <summary>
    /// A one-call catchup (<see cref="HistoryCatchup"/>) from <see cref="Pool"/> with <see cref="CreateWorkOptions"/>
    /// and <see cref="CreateSchedulerOptions"/>.
    /// </summary>
    /// <param name="workDirectory">Where verified files go; a private temporary directory when null.</param>
    public HistoryCatchup CreateCatchup(string? workDirectory = null)
    {
        var options = CreateWorkOptions();
        options.WorkDirectory = workDirectory;
        return new HistoryCatchup(Pool, options, CreateSchedulerOptions());
    }

    /// <summary>Disposes the readers this instance made that hold resources.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _owned.Clear();
    }
}
