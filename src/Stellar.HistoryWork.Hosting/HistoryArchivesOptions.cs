namespace Stellar.HistoryWork.Hosting;

/// <summary>
/// The history archives a node reads, as stellar-core's <c>[HISTORY.name]</c> sections list them, bound from
/// configuration (by default the section <see cref="DefaultSectionName"/>) and validated when the host starts:
/// <code>
/// "HistoryArchives": {
///   "NetworkPassphrase": "Test SDF Network ; September 2015",
///   "Archives": {
///     "sdf1": { "Get": "https://history.stellar.org/prd/core-testnet/core_testnet_001/" },
///     "local": { "Get": "cp /var/stellar/history/{0} {1}" }
///   }
/// }
/// </code>
/// </summary>
public sealed class HistoryArchivesOptions
{
    /// <summary>The configuration section the sample and the documentation use.</summary>
    public const string DefaultSectionName = "HistoryArchives";

    /// <summary>
    /// The archives by name (names compare case-insensitively). At least one is required; together they form one
    /// pool with failover (<see cref="HistoryArchives.Pool"/>).
    /// </summary>
    public Dictionary<string, HistoryArchiveOptions> Archives { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The network's passphrase; every HAS read must name it. Null skips the check (not recommended).</summary>
    public string? NetworkPassphrase { get; set; }

    /// <summary>The checkpoint frequency (default 64, as on pubnet and testnet; 8 on accelerated test networks).</summary>
    public uint CheckpointFrequency { get; set; } = CheckpointMath.DefaultFrequency;

    /// <summary>The most downloads at once across the pool (default 16; adaptive per archive below it).</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>HTTP settings shared by every http(s) archive.</summary>
    public HistoryArchiveHttpOptions Http { get; } = new();
}

/// <summary>One named archive.</summary>
public sealed class HistoryArchiveOptions
{
    /// <summary>
    /// Where the archive is: <c>http(s)://…</c>, <c>file:///abs/path</c>, a directory, a scheme the application
    /// registered (<see cref="HistoryArchivesBuilder.AddScheme"/>, e.g. <c>s3://</c>), or a stellar-core
    /// <c>get</c> command template such as <c>curl -sf https://host/path/{0} -o {1}</c>, whose <c>{0}</c>
    /// argument names the archive root (the command itself is not run: the library reads the archive directly).
    /// </summary>
    public string? Get { get; set; }
}

/// <summary>HTTP settings of the archives (<see cref="HttpArchiveReaderOptions"/> as configuration can set them).</summary>
public sealed class HistoryArchiveHttpOptions
{
    // The library's defaults, read from it: one place says what they are.
    private static readonly HttpArchiveReaderOptions Defaults = new();

    /// <summary>The longest wait for response headers or the next body bytes (default 30 s).</summary>
    public TimeSpan StallTimeout { get; set; } = Defaults.StallTimeout;

    /// <summary>The TCP/TLS connect timeout of the primary handler (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = Defaults.ConnectTimeout;

    /// <summary>The slowest a body may arrive, in bytes per second (default 1,024; 0 turns the check off).</summary>
    public long MinimumBytesPerSecond { get; set; } = Defaults.MinimumBytesPerSecond;

    /// <summary>How long the server is watched before <see cref="MinimumBytesPerSecond"/> is judged (default 60 s).</summary>
    public TimeSpan MinimumRateWindow { get; set; } = Defaults.MinimumRateWindow;

    /// <summary>Whether a redirect may lead to another host or port (default false).</summary>
    public bool AllowCrossHostRedirects { get; set; }

    /// <summary>The reader options these settings make, with the host's clock and meter factory.</summary>
    internal HttpArchiveReaderOptions ToReaderOptions(string? name = null, TimeProvider? timeProvider = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null) => new()
    {
        StallTimeout = StallTimeout,
        ConnectTimeout = ConnectTimeout,
        MinimumBytesPerSecond = MinimumBytesPerSecond,
        MinimumRateWindow = MinimumRateWindow,
        AllowCrossHostRedirects = AllowCrossHostRedirects,
        Name = name,
        TimeProvider = timeProvider ?? TimeProvider.System,
        MeterFactory = meterFactory,
    };
}
