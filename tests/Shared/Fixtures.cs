namespace Stellar.TestSupport;

/// <summary>Locates the real archives and vectors copied into tests/fixtures.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>Absolute path of tests/fixtures.</summary>
    public static string Root => RootPath.Value;

    public static string Archives => Path.Combine(Root, "archives");

    public static string Xdr => Path.Combine(Root, "xdr");

    /// <summary>testnet 2025, protocol 0 → 22, checkpoints 63 … 10047 from genesis.</summary>
    public static string TestnetSmall => Path.Combine(Archives, "testnet-2025-small");

    /// <summary>pubnet July 2017, protocol 8, checkpoints 11999999 … 12001023.</summary>
    public static string PubnetLegacy => Path.Combine(Archives, "pubnet-2017-legacy-txsets");

    /// <summary>testnet Dec 2025, HAS v2 with hot archive; a damaged subset (see the fixtures README).</summary>
    public static string TestnetHotArchive => Path.Combine(Archives, "testnet-2026-hot-archive");

    /// <summary>The repository root (the folder holding Stellar.HistoryWork.sln).</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(Root, "..", ".."));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(Path.Combine(candidate, "archives")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/fixtures was not found above " + AppContext.BaseDirectory);
    }
}
