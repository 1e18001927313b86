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
            member,
            settings.HttpReaderOptions());
    }

    /// <summary>
    /// Like <see cref="Open(IReadOnlyList{string}, HistorySettings, int, Func{IArchiveReader, IArchiveReader}?)"/>, with
    /// every archive counted inside the pool (<paramref name="counter"/> holds the tally of them all). The pool itself
    /// must be the reader the library gets: a wrapper around it would hide which member served a file, and with that
    /// the failover away from one member that served a fork or a HAS that does not bind (issue 10 row 13).
    /// </summary>
    public static ArchivePool OpenCounted(IReadOnlyList<string> locations, HistorySettings settings, int retries, out FileKindCounter counter)
    {
        FileKindCounter? last = null;
        var pool = Open(locations, settings, retries, member: reader => last = new FileKindCounter(reader, last));
        counter = last ?? throw new InvalidOperationException("a pool has at least one archive");
        return pool;
    }

    /// <summary>
    /// A pool of <paramref name="locations"/>; HTTP archives read with <paramref name="httpOptions"/> (the library's
    /// defaults when null).
    /// </summary>
    public static ArchivePool Open(IReadOnlyList<string> locations, ArchivePoolOptions? poolOptions = null, Func<IArchiveReader, IArchiveReader>? member = null, HttpArchiveReaderOptions? httpOptions = null)
    {
        ArgumentNullException.ThrowIfNull(locations);
        if (locations.Count == 0)
        {
            throw new UsageException("give at least one --archive.");
        }

        var readers = locations
            .SelectMany(l => CommandLocations.IsCommand(l) ? CommandLocations.OpenReaders(l) : [OpenOne(l, httpOptions)])
            .Select(r => member?.Invoke(r) ?? r)
            .ToArray();
        return new ArchivePool(readers, poolOptions);
    }

    /// <summary>
    /// A writable location given to <paramref name="option"/>: a directory, file:///abs/path, s3://BUCKET[/PREFIX] or a
    /// stellar-core command archive with a put command (cmd:…; http archives are read-only).
    /// </summary>
    public static IArchiveWriter OpenWriter(string option, string location)
    {
        if (CommandLocations.IsCommand(location))
        {
            return CommandLocations.OpenWriter(option, location);
        }

        if (S3.S3ArchiveLocation.IsS3(location))
        {
            return S3Locations.OpenWriter(location);
        }

        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"{option} {location}: only a directory, file:///abs/path, s3://BUCKET[/PREFIX] or a cmd: archive with a put command can be written; other backends implement IArchiveWriter.");
        }

        var path = location;
        if (location.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || !uri.IsFile)
            {
                throw new UsageException($"{option} {location} is not a file:///absolute/path URI.");
            }

            path = uri.LocalPath;
        }

        return new LocalArchiveWriter(path);
    }

    private static IArchiveReader OpenOne(string location, HttpArchiveReaderOptions? httpOptions)
    {
        if (S3.S3ArchiveLocation.IsS3(location))
        {
            return S3Locations.OpenReader(location);
        }

        IArchiveReader reader;
        try
        {
            reader = ArchiveReader.FromLocation(location, httpOptions: httpOptions);
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
