using System.CommandLine;
using System.CommandLine.Parsing;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli;

/// <summary>The options several verbs share (DESIGN.md §3), defined once.</summary>
internal static class CommonOptions
{
    public static Option<string[]> Archive(bool required = true) => new("--archive")
    {
        Description = "Archive to read: http(s)://…, file:///abs/path or a directory. Repeat for a pool with failover.",
        Required = required,
        AllowMultipleArgumentsPerToken = false,
        Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore,
    };

    public static Option<string> SingleArchive() => new("--archive")
    {
        Description = "Archive to read: http(s)://…, file:///abs/path or a directory.",
        Required = true,
    };

    public static Option<uint?> From() => new("--from") { Description = "First ledger of the range." };

    public static Option<uint?> To() => new("--to") { Description = "Last ledger of the range." };

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
        Validators = { PositiveUInt },
    };

    public static Option<int> Concurrency() => new("--concurrency")
    {
        Description = "How many downloads or verifications run at once.",
        DefaultValueFactory = _ => 16,
        Validators = { PositiveInt },
    };

    public static Option<bool> Quiet() => new("--quiet") { Description = "No progress output." };

    public static Option<FileInfo?> Json() => new("--json") { Description = "Write a machine-readable report to FILE ('-' for standard output)." };

    public static Option<int> Retries() => new("--retries")
    {
        Description = "Retries of each download work before it fails (the reference node's 'a few': 5; delays grow 1, 2, 4, … s).",
        DefaultValueFactory = _ => 5,
        Validators = { NotNegative },
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

    private static void PositiveUInt(OptionResult result)
    {
        if (result.GetValueOrDefault<uint>() == 0)
        {
            result.AddError($"{result.IdentifierToken?.Value} must be at least 1.");
        }
    }

    private static void NotNegative(OptionResult result)
    {
        if (result.GetValueOrDefault<int>() < 0)
        {
            result.AddError($"{result.IdentifierToken?.Value} must be 0 or more.");
        }
    }

    private static void PositiveInt(OptionResult result)
    {
        if (result.GetValueOrDefault<int>() < 1)
        {
            result.AddError($"{result.IdentifierToken?.Value} must be at least 1.");
        }
    }
}

