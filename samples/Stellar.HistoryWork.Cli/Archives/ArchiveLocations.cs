namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>Turns <c>--archive</c> values into a reader: one archive, or a failover pool for several.</summary>
internal static class ArchiveLocations
{
    public static IArchiveReader Open(IReadOnlyList<string> locations, ArchivePoolOptions? poolOptions = null)
    {
        ArgumentNullException.ThrowIfNull(locations);
        if (locations.Count == 0)
        {
            throw new UsageException("give at least one --archive.");
        }

        var readers = locations.Select(OpenOne).ToArray();
        return readers.Length == 1 ? readers[0] : new ArchivePool(readers, poolOptions);
    }

    private static IArchiveReader OpenOne(string location)
    {
        IArchiveReader reader;
        try
        {
            reader = ArchiveReader.FromLocation(location);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--archive {location}: {e.Message}", e);
        }

        // The library reports a missing directory's files as missing; on the command line a typo deserves a usage error.
        if (reader is LocalArchiveReader local && !Directory.Exists(local.Root))
        {
            throw new UsageException($"--archive {location}: the directory '{local.Root}' does not exist.");
        }

        return reader;
    }
}
