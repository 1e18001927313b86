using System.Text.Json;
using Stellar.TestSupport;

namespace Stellar.Xdr.Tests;

/// <summary>The history files of the three real fixture archives and the root type each holds.</summary>
internal static class ArchiveFiles
{
    public static readonly string[] Archives = [Fixtures.TestnetSmall, Fixtures.PubnetLegacy, Fixtures.TestnetHotArchive];

    public static IEnumerable<string> Files(string archive, string category) =>
        Directory.Exists(Path.Combine(archive, category))
            ? Directory.EnumerateFiles(Path.Combine(archive, category), "*.xdr.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    /// <summary>Bucket hashes named by any HAS's <c>hotArchiveBuckets</c> in the archive.</summary>
    public static HashSet<string> HotArchiveBuckets(string archive)
    {
        var hot = new HashSet<string>(StringComparer.Ordinal);
        foreach (var has in Directory.EnumerateFiles(archive, "*.json", SearchOption.AllDirectories))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(has));
            if (!document.RootElement.TryGetProperty("hotArchiveBuckets", out var levels))
            {
                continue;
            }

            foreach (var level in levels.EnumerateArray())
            {
                hot.Add(level.GetProperty("curr").GetString()!);
                hot.Add(level.GetProperty("snap").GetString()!);
                if (level.GetProperty("next").TryGetProperty("output", out var output))
                {
                    hot.Add(output.GetString()!);
                }
            }
        }

        return hot;
    }

    public static string BucketHash(string path) => Path.GetFileName(path)["bucket-".Length..^".xdr.gz".Length];

    /// <summary>Every record body of a record-marked file (gzip or plain).</summary>
    public static List<byte[]> Records(string path)
    {
        var records = new List<byte[]>();
        using var reader = XdrRecordReader.OpenFile(path);
        while (reader.ReadNext())
        {
            records.Add(reader.CurrentSpan.ToArray());
        }

        return records;
    }
}
