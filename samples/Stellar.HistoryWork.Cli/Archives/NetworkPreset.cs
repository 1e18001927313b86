namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>
/// <c>--network pubnet|testnet|futurenet</c>: the network passphrase and SDF's public history archives of a
/// well-known network (as stellar-core's example configurations list them), so that no URL needs copying.
/// </summary>
internal sealed record NetworkPreset(string Name, string Passphrase, IReadOnlyList<string> Archives)
{
    public static readonly NetworkPreset Pubnet = new(
        "pubnet",
        "Public Global Stellar Network ; September 2015",
        [
            "https://history.stellar.org/prd/core-live/core_live_001/",
            "https://history.stellar.org/prd/core-live/core_live_002/",
            "https://history.stellar.org/prd/core-live/core_live_003/",
        ]);

    public static readonly NetworkPreset Testnet = new(
        "testnet",
        "Test SDF Network ; September 2015",
        [
            "https://history.stellar.org/prd/core-testnet/core_testnet_001/",
            "https://history.stellar.org/prd/core-testnet/core_testnet_002/",
            "https://history.stellar.org/prd/core-testnet/core_testnet_003/",
        ]);

    public static readonly NetworkPreset Futurenet = new(
        "futurenet",
        "Test SDF Future Network ; October 2022",
        ["https://history-futurenet.stellar.org/"]);

    public static IReadOnlyList<NetworkPreset> All { get; } = [Pubnet, Testnet, Futurenet];

    public static NetworkPreset? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The archives to read: those given with <c>--archive</c>, else the preset's. Neither is a usage error.
    /// </summary>
    public static IReadOnlyList<string> ChooseArchives(IReadOnlyList<string>? given, NetworkPreset? preset)
    {
        if (given is { Count: > 0 })
        {
            return given;
        }

        return preset?.Archives ?? throw new UsageException("give --archive (a URL, file:///path or directory) or --network pubnet|testnet|futurenet.");
    }

    /// <summary>The passphrase to check HAS files against: the one given, else the preset's; two different ones are a usage error.</summary>
    public static string? ChoosePassphrase(string? given, NetworkPreset? preset)
    {
        if (given is not null && preset is not null && !string.Equals(given, preset.Passphrase, StringComparison.Ordinal))
        {
            throw new UsageException($"--network-passphrase '{given}' contradicts --network {preset.Name} ('{preset.Passphrase}').");
        }

        return given ?? preset?.Passphrase;
    }
}
