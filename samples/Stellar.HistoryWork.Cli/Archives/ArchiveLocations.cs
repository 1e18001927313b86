namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>
/// Turns <c>--archive</c> values into a pool (with failover when there are several): every read goes through
/// the pool's retries, backoff and adaptive per-archive concurrency, even from a single archive.
/// </summary>
internal static class ArchiveLocations
{
    /// <summary>
    /// A pool whose per-archive concurrency, attempts and bandwidth follow the common options;
    /// <paramref name="member"/>, when given, wraps each archive before it joins the pool.
    /// </summary>
    public static ArchivePool Open(IReadOnlyList<string> locations, HistorySettings settings, int retries, Func<IArchiveReader, IArchiveReader>? member = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Open(
            locations,
            new ArchivePoolOptions
            {
                MaxConcurrency = settings.Concurrency,
                MaxAttempts = retries + 1,
                MaxBytesPerSecond = settings.MaxBytesPerSecond,
            },
            member);
    }

    public static ArchivePool Open(IReadOnlyList<string> locations, ArchivePoolOptions? poolOptions = null, Func<IArchiveReader, IArchiveReader>? member = null)
    {
        ArgumentNullException.ThrowIfNull(locations);
        if (locations.Count == 0)
        {
            throw new UsageException("give at least one --archive.");
        }

        var readers = locations.Select(OpenOne).Select(r => member?.Invoke(r) ?? r).ToArray();
        return new ArchivePool(readers, poolOptions);
    }

    private static IArchiveReader OpenOne(string location)
    {
        if (S3.S3ArchiveLocation.IsS3(location))
        {
            return S3Locations.OpenReader(location);
        }

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
