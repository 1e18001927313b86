using System.Text.Json;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Support;

/// <summary>Facts read straight from the fixture files (not through the code under test).</summary>
internal static class ArchiveFixtures
{
    /// <summary>A copy of a fixture archive that a test may damage.</summary>
    public static string CopyArchive(string source, TempDirectory temp, string name = "archive")
    {
        var target = temp.Combine(name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>The <c>currentLedger</c> of an archive's root HAS.</summary>
    public static uint CurrentLedger(string archive)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(archive, ".well-known", "stellar-history.json")));
        return json.RootElement.GetProperty("currentLedger").GetUInt32();
    }

    /// <summary>The oldest checkpoint with a HAS under <c>history/</c>.</summary>
    public static uint FirstCheckpoint(string archive) =>
        Directory.EnumerateFiles(Path.Combine(archive, "history"), "history-*.json", SearchOption.AllDirectories)
            .Select(f => Convert.ToUInt32(Path.GetFileNameWithoutExtension(f)["history-".Length..], 16))
            .Min();

    public static string LedgerFile(string archive, uint checkpoint)
    {
        var hex = checkpoint.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        return Path.Combine(archive, "ledger", hex[..2], hex[2..4], hex[4..6], $"ledger-{hex}.xdr.gz");
    }

    public static int CountFiles(string directory, string pattern) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, pattern, SearchOption.AllDirectories).Count() : 0;

    public static string ArchiveRoot(string name) => Path.Combine(Fixtures.Archives, name);
}
