using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli;

/// <summary>The options several verbs share (DESIGN.md §3), defined once.</summary>
internal static class CommonOptions
{
    // The library's defaults, shown in the help; an option left out keeps them.
    private static readonly HttpArchiveReaderOptions HttpDefaults = new();

    /// <summary><c>--archive</c>, repeatable; not required by the parser because <c>--network</c> can stand for it.</summary>
    public static Option<string[]> Archive() => new("--archive")
    {
        Description = "Archive to read: http(s)://…, file:///abs/path, a directory, s3://BUCKET[/PREFIX], or stellar-core command templates: cmd:@stellar-core.cfg[#NAME] (its [HISTORY.*] sections) or cmd:get=TEMPLATE. Repeat for a pool with failover. Default with --network: its public archives.",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Option<string?> SingleArchive() => new("--archive")
    {
        Description = "Archive to read: http(s)://…, file:///abs/path, a directory, s3://BUCKET[/PREFIX] or cmd:@stellar-core.cfg[#NAME] / cmd:get=TEMPLATE. Default with --network: its first public archive.",
    };

    public static Option<NetworkPreset?> Network() => new("--network")
    {
        Description = "A well-known network: pubnet, testnet or futurenet. Sets the network passphrase and, without --archive, SDF's public archives.",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            var preset = NetworkPreset.Find(text);
            if (preset is null)
            {
                result.AddError($"--network: '{text}' is not one of {string.Join(", ", NetworkPreset.All.Select(p => p.Name))}.");
            }

            return preset;
        },
    };

    public static Option<uint?> From() => new("--from") { Description = "First ledger of the range.", CustomParser = ParseLedger };

    public static Option<uint?> To() => new("--to") { Description = "Last ledger of the range.", CustomParser = ParseLedger };

    public static Option<TrustedLedgerHash?> TrustedHash() => new("--trusted-hash")
    {
        Description = "A ledger hash you trust, as LEDGER:HEX (64 hex digits).",
        CustomParser = ParseTrustedHash,
    };

    public static Option<FileInfo?> TrustedCheckpointHashes() => new("--trusted-checkpoint-hashes")
    {
        Description = "A trusted checkpoint hashes file (as written by verify-checkpoints).",
    };

    public static Option<string?> NetworkPassphrase() => new("--network-passphrase")
    {
        Description = "The network passphrase; a different one in a HAS is a problem.",
    };

    public static Option<uint> CheckpointFrequency() => new("--checkpoint-frequency")
    {
        Description = "Ledgers per checkpoint (8 on accelerated test networks).",
        DefaultValueFactory = _ => 64,
        CustomParser = r => (uint)ParseCount(r, minimum: 1, maximum: uint.MaxValue),
    };

    public static Option<int> Concurrency() => new("--concurrency")
    {
        Description = "How many downloads or verifications run at once.",
        DefaultValueFactory = _ => 16,
        CustomParser = r => (int)ParseCount(r, minimum: 1, maximum: int.MaxValue),
    };

    public static Option<DirectoryInfo?> WorkDir() => new("--work-dir")
    {
        Description = "Directory for downloads in progress, kept so that a rerun resumes (default: a private temporary directory of this run, removed when it ends).",
    };

    public static Option<long?> MaxBytesPerSecond() => new("--max-bytes-per-second")
    {
        Description = "Cap on the bytes per second read from the archives together (public archives answer 429 under load). Default: no cap.",
        CustomParser = r => ParseCount(r, minimum: 1, maximum: long.MaxValue),
    };

    /// <summary><c>--min-bytes-per-second</c>: maps to <see cref="HttpArchiveReaderOptions.MinimumBytesPerSecond"/>, whose default applies when absent.</summary>
    public static Option<long?> MinBytesPerSecond() => new("--min-bytes-per-second")
    {
        Description = "The slowest an HTTP archive may send a file, judged over --min-rate-window of waiting for it; a slower transfer fails and is retried (a trickle never trips the 30 s stall timer). 0 turns the check off. Default: " + HttpDefaults.MinimumBytesPerSecond.ToString(CultureInfo.InvariantCulture) + ", far below any real archive.",
        CustomParser = r => ParseCount(r, minimum: 0, maximum: long.MaxValue),
    };

    /// <summary><c>--min-rate-window</c>: maps to <see cref="HttpArchiveReaderOptions.MinimumRateWindow"/>, whose default applies when absent.</summary>
    public static Option<TimeSpan?> MinRateWindow() => new("--min-rate-window")
    {
        Description = "Seconds of waiting for an HTTP archive over which --min-bytes-per-second is judged. Default: " + HttpDefaults.MinimumRateWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture) + ".",
        CustomParser = r => TimeSpan.FromSeconds(ParseCount(r, minimum: 1, maximum: 24 * 3600)),
    };

    public static Option<bool> Quiet() => new("--quiet") { Description = "No progress output." };

    public static Option<FileInfo?> Json() => new("--json") { Description = "Write a machine-readable report to FILE ('-' for standard output)." };

    public static Option<int> Retries() => new("--retries")
    {
        Description = "Retries of each archive read, and of each download work, before it fails (the reference node's 'a few': 5; delays grow exponentially from 1 s with jitter, up to 30 s).",
        DefaultValueFactory = _ => 5,
        CustomParser = r => (int)ParseCount(r, minimum: 0, maximum: int.MaxValue),
    };

    private static TrustedLedgerHash? ParseTrustedHash(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        try
        {
            return TrustedLedgerHash.Parse(text);
        }
        catch (FormatException)
        {
            result.AddError($"--trusted-hash must be LEDGER:HEX with a ledger above 0 and 64 hex digits, got '{text}'.");
            return null;
        }
    }

    /// <summary>A ledger sequence number: <c>--to: 'abc' is not a ledger number</c> rather than the parser's type name.</summary>
    private static uint? ParseLedger(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ledger))
        {
            result.AddError($"{OptionName(result)}: '{text}' is not a ledger number (1 to {uint.MaxValue}).");
            return null;
        }

        if (ledger == 0)
        {
            result.AddError($"{OptionName(result)}: ledgers start at 1.");
            return null;
        }

        return ledger;
    }

    private static long ParseCount(ArgumentResult result, long minimum, long maximum)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > maximum)
        {
            result.AddError($"{OptionName(result)}: '{text}' is not a whole number.");
            return minimum;
        }

        if (value < minimum)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{OptionName(result)}: must be at least {minimum}, got {value}."));
            return minimum;
        }

        return value;
    }

    private static string OptionName(ArgumentResult result) =>
        (result.Parent as OptionResult)?.IdentifierToken?.Value ?? (result.Parent as OptionResult)?.Option.Name ?? "option";
}
