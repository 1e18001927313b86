using System.CommandLine;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli;

/// <summary>
/// The common options (DESIGN.md §3) of the verbs that read history — trust, network, checkpoint frequency,
/// concurrency, quiet, JSON report — added to a command once and read back as <see cref="HistorySettings"/>.
/// </summary>
internal sealed class HistoryOptions
{
    public Option<TrustedLedgerHash?> TrustedHash { get; } = CommonOptions.TrustedHash();

    public Option<FileInfo?> TrustedCheckpointHashes { get; } = CommonOptions.TrustedCheckpointHashes();

    public Option<string?> NetworkPassphrase { get; } = CommonOptions.NetworkPassphrase();

    public Option<Archives.NetworkPreset?> Network { get; } = CommonOptions.Network();

    public Option<uint> CheckpointFrequency { get; } = CommonOptions.CheckpointFrequency();

    public Option<int> Concurrency { get; } = CommonOptions.Concurrency();

    public Option<long?> MaxBytesPerSecond { get; } = CommonOptions.MaxBytesPerSecond();

    public Option<long?> MinBytesPerSecond { get; } = CommonOptions.MinBytesPerSecond();

    public Option<TimeSpan?> MinRateWindow { get; } = CommonOptions.MinRateWindow();

    public Option<bool> Quiet { get; } = CommonOptions.Quiet();

    public Option<FileInfo?> Json { get; } = CommonOptions.Json();

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(TrustedHash);
        command.Options.Add(TrustedCheckpointHashes);
        command.Options.Add(NetworkPassphrase);
        command.Options.Add(Network);
        command.Options.Add(CheckpointFrequency);
        command.Options.Add(Concurrency);
        command.Options.Add(MaxBytesPerSecond);
        command.Options.Add(MinBytesPerSecond);
        command.Options.Add(MinRateWindow);
        command.Options.Add(Quiet);
        command.Options.Add(Json);
    }

    /// <summary>Reads the values, loading the trusted checkpoint hashes file (a bad one is a usage error).</summary>
    public async Task<HistorySettings> BindAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        TrustedCheckpointHashes? checkpoints = null;
        if (parse.GetValue(TrustedCheckpointHashes) is { } file)
        {
            try
            {
                checkpoints = await Verification.TrustedCheckpointHashes.LoadAsync(file.FullName, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new UsageException($"--trusted-checkpoint-hashes {file}: {e.Message}", e);
            }

            if (checkpoints.Count == 0)
            {
                throw new UsageException($"--trusted-checkpoint-hashes {file}: the file trusts no checkpoint.");
            }
        }

        var network = parse.GetValue(Network);
        return new HistorySettings(
            parse.GetValue(TrustedHash),
            checkpoints,
            Archives.NetworkPreset.ChoosePassphrase(parse.GetValue(NetworkPassphrase), network),
            network,
            new CheckpointMath(parse.GetValue(CheckpointFrequency)),
            parse.GetValue(Concurrency),
            parse.GetValue(Quiet),
            parse.GetValue(Json))
        {
            MaxBytesPerSecond = parse.GetValue(MaxBytesPerSecond),
            MinBytesPerSecond = parse.GetValue(MinBytesPerSecond),
            MinRateWindow = parse.GetValue(MinRateWindow),
        };
    }
}

/// <summary>The values of <see cref="HistoryOptions"/> for one run (the passphrase already resolved against <c>--network</c>).</summary>
internal sealed record HistorySettings(
    TrustedLedgerHash? TrustedHash,
    TrustedCheckpointHashes? TrustedCheckpointHashes,
    string? NetworkPassphrase,
    Archives.NetworkPreset? Network,
    CheckpointMath Checkpoints,
    int Concurrency,
    bool Quiet,
    FileInfo? Json)
{
    /// <summary>The <c>--max-bytes-per-second</c> cap, or null.</summary>
    public long? MaxBytesPerSecond { get; init; }

    /// <summary>The <c>--min-bytes-per-second</c> rate, or null for the library's default.</summary>
    public long? MinBytesPerSecond { get; init; }

    /// <summary>The <c>--min-rate-window</c>, or null for the library's default.</summary>
    public TimeSpan? MinRateWindow { get; init; }

    /// <summary>The HTTP readers' settings these options give: the library's defaults, overridden by what was given.</summary>
    public HttpArchiveReaderOptions HttpReaderOptions()
    {
        var options = new HttpArchiveReaderOptions();
        if (MinBytesPerSecond is { } rate)
        {
            options.MinimumBytesPerSecond = rate;
        }

        if (MinRateWindow is { } window)
        {
            options.MinimumRateWindow = window;
        }

        return options;
    }
}
