using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Support;

/// <summary>Every HAS file among the fixtures, and which ones stellar-core did not write.</summary>
internal static class HasFixtures
{
    /// <summary>
    /// Files whose bytes did not come from stellar-core, with the reason (see tests/fixtures/SOURCES.md):
    /// they must parse but cannot round-trip byte for byte.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NotWrittenByCore = new Dictionary<string, string>
    {
        ["archives/testnet-2026-hot-archive/.well-known/stellar-history.json"] = "edited by hand: hotArchiveBuckets removed, trailing newline added",
        ["xdr/core-has/go-historyV1.json"] = "written by the Go SDK (2-space indentation)",
        ["xdr/core-has/go-historyV2.json"] = "written by the Go SDK (2-space indentation)",
    };

    /// <summary>
    /// Files stellar-core wrote that break a format rule: they round-trip through the unvalidated
    /// JSON layer, and <see cref="HistoryArchiveState.Parse(ReadOnlySpan{byte}, string, string?)"/> rejects them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, HistoryArchiveStateRule> BreakFormatRules = new Dictionary<string, HistoryArchiveStateRule>
    {
        // stellar-core's own serialize test data: the last level's output hash has 63 hex digits (core does not check hashes).
        ["xdr/core-has/stellar-history.testnet.6714239.networkPassphrase.v2.json"] = HistoryArchiveStateRule.InvalidHash,
    };

    /// <summary>Paths relative to tests/fixtures, '/'-separated, sorted.</summary>
    public static IReadOnlyList<string> All()
    {
        var files = new List<string>();
        foreach (var archive in Directory.EnumerateDirectories(Fixtures.Archives))
        {
            files.AddRange(Directory.EnumerateFiles(Path.Combine(archive, "history"), "*.json", SearchOption.AllDirectories));
            files.Add(Path.Combine(archive, ".well-known", "stellar-history.json"));
        }

        files.AddRange(Directory.EnumerateFiles(Path.Combine(Fixtures.Xdr, "core-has"), "*.json"));
        return files.Select(f => Path.GetRelativePath(Fixtures.Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
    }

    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(Fixtures.Root, relativePath));

    public static TheoryData<string> WrittenByCore()
    {
        var data = new TheoryData<string>();
        foreach (var path in All().Where(p => !NotWrittenByCore.ContainsKey(p)))
        {
            data.Add(path);
        }

        return data;
    }
}
