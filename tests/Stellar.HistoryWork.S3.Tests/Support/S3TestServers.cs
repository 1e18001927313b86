namespace Stellar.HistoryWork.S3.Tests.Support;

/// <summary>
/// Where the S3 test servers live (tests/s3-servers, installed by <c>npm ci</c>) and whether they can run here.
/// Under <c>CI=true</c> a missing node or a missing install is a failure, not a skip.
/// </summary>
internal static class S3TestServers
{
    private static readonly Lazy<string?> UnavailableReason = new(FindUnavailableReason);

    public static string Directory => Path.Combine(Stellar.TestSupport.Fixtures.RepositoryRoot, "tests", "s3-servers");

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the servers cannot run, or null when they can.</summary>
    public static string? Unavailable => UnavailableReason.Value;

    public static string Node => FindOnPath("node") ?? "node";

    private static string? FindUnavailableReason()
    {
        if (FindOnPath("node") is null)
        {
            return "node is not on PATH (the S3 tests run s3rver and fauxqs on loopback)";
        }

        return System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "s3rver")) && System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "fauxqs"))
            ? null
            : $"the S3 test servers are not installed: run 'npm ci' in {Directory}";
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>A test that needs the S3 servers: skipped where they are not installed, except under CI, where it then fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (S3TestServers.Unavailable is { } reason && !S3TestServers.IsCi)
        {
            Skip = reason;
        }
    }
}
