using Stellar.HistoryWork.Tests.Download;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Tests.Publish;

/// <summary>Checks on a published copy, computed from the files themselves.</summary>
internal static class PublishAssertions
{
    /// <summary>Every HAS at <paramref name="target"/> names only files that are there (buckets and its checkpoint's files).</summary>
    public static void NoStateNamesMissingData(string target)
    {
        foreach (var state in States(target))
        {
            foreach (var bucket in state.State.GetReferencedBuckets())
            {
                File.Exists(Path.Combine(target, ArchivePaths.Bucket(bucket))).Should().BeTrue($"{state.Path} names bucket {bucket}");
            }

            foreach (var kind in new[] { HistoryFileKind.Ledger, HistoryFileKind.Transactions, HistoryFileKind.Results })
            {
                File.Exists(Path.Combine(target, ArchivePaths.CheckpointFile(kind, state.State.CurrentLedger))).Should().BeTrue($"{state.Path} needs its {kind} file");
            }
        }
    }

    public static IEnumerable<(string Path, HistoryArchiveState State)> States(string root)
    {
        var wellKnown = Path.Combine(root, ArchivePaths.WellKnownState);
        var files = Directory.Exists(Path.Combine(root, "history"))
            ? Directory.EnumerateFiles(Path.Combine(root, "history"), "*.json", SearchOption.AllDirectories)
            : [];
        foreach (var file in File.Exists(wellKnown) ? files.Append(wellKnown) : files)
        {
            yield return (file, HistoryArchiveState.Parse(File.ReadAllBytes(file), file));
        }
    }

    /// <summary>Every file of the copy exists in the source with the same bytes, and (gzip) the same decompressed content.</summary>
    public static void CopyMatchesSource(string source, string copy)
    {
        var copied = Relative(copy);
        copied.Should().NotBeEmpty();
        foreach (var path in copied)
        {
            var original = Path.Combine(source, path);
            File.Exists(original).Should().BeTrue($"{path} must come from the source");
            File.ReadAllBytes(Path.Combine(copy, path)).Should().Equal(File.ReadAllBytes(original), $"{path} is published as the source published it");
            if (path.EndsWith(".gz", StringComparison.Ordinal))
            {
                ArchiveTampering.Gunzip(Path.Combine(copy, path)).Should().Equal(ArchiveTampering.Gunzip(original), $"{path} decompresses to the same content");
            }
        }
    }

    public static List<string> Relative(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
        .Order(StringComparer.Ordinal)
        .ToList();

    public static async Task<VerificationReport> VerifyCopyAsync(string copy, uint? fromLedger = null)
    {
        var report = await new ArchiveVerifier(new LocalArchiveReader(copy), new ArchiveVerifierOptions { FromLedger = fromLedger }).VerifyAsync();
        return report;
    }
}
