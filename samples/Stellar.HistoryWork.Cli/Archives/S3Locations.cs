using System.CommandLine;
using System.CommandLine.Parsing;
using Stellar.HistoryWork.S3;

namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>
/// <c>s3://BUCKET[/PREFIX]</c> wherever an archive is given: the <c>--s3-*</c> options (global, so every verb has
/// them), the standard AWS environment as their fallback, and a check of every S3 location before a verb starts,
/// so a missing bucket or refused credentials is one line and exit 2, an unreachable endpoint one line and exit 3.
/// </summary>
internal static class S3Locations
{
    private const string EndpointOption = "--s3-endpoint";
    private const string RegionOption = "--s3-region";
    private const string AnonymousOption = "--s3-anonymous";
    private static readonly string[] LocationOptions = ["--archive", "--to-archive"];

    // Set per run, before the verb's action, and flowing into it; tests run the command concurrently in one process.
    private static readonly AsyncLocal<S3ConnectionOptions?> RunConnection = new();

    /// <summary>The connection for this run: the options when bound, else the environment alone.</summary>
    public static S3ConnectionOptions Connection => RunConnection.Value ?? FromEnvironment(null, null, anonymous: false);

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(new Option<string?>(EndpointOption)
        {
            Description = "Endpoint of S3-compatible storage for s3:// archives (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS).",
            Recursive = true,
        });
        root.Options.Add(new Option<string?>(RegionOption)
        {
            Description = "Region of s3:// archives (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1).",
            Recursive = true,
        });
        root.Options.Add(new Option<bool>(AnonymousOption)
        {
            Description = "Read s3:// archives without credentials (public buckets); otherwise the AWS SDK's standard credentials chain.",
            Recursive = true,
        });
    }

    /// <summary>
    /// Binds this run's S3 settings from the options and the environment. Not async, so that the value flows
    /// into what the caller runs next (an async method's AsyncLocal changes end with it).
    /// </summary>
    public static void Bind(ParseResult parse) =>
        RunConnection.Value = FromEnvironment(parse.GetValue<string?>(EndpointOption), parse.GetValue<string?>(RegionOption), parse.GetValue<bool>(AnonymousOption));

    /// <summary>
    /// Checks every <c>s3://</c> value of <c>--archive</c> and <c>--to-archive</c>: the bucket must exist and
    /// accept the credentials (else a usage error), the endpoint must answer (else unreachable).
    /// </summary>
    public static async Task CheckAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var connection = Connection;
        var locations = parse.CommandResult.Children.OfType<OptionResult>()
            .Where(o => LocationOptions.Contains(o.Option.Name))
            .SelectMany(o => o.Tokens.Select(t => (Option: o.Option.Name, Location: t.Value)))
            .Where(l => S3ArchiveLocation.IsS3(l.Location));
        foreach (var (option, location) in locations)
        {
            using var reader = Open(option, location, (l, c) => S3ArchiveReader.Create(l, c));
            try
            {
                await reader.CheckAccessAsync(cancellationToken);
            }
            catch (S3ArchiveAccessException e)
            {
                throw new UsageException($"{option} {location}: {e.Detail}", e);
            }
            catch (ArchiveTransientException e)
            {
                throw new ArchiveUnreachableException($"{option} {location}: cannot reach {connection.Endpoint?.ToString() ?? "AWS S3"}: {e.Detail}", e);
            }
        }
    }

    public static IArchiveReader OpenReader(string location) => Open("--archive", location, (l, c) => S3ArchiveReader.Create(l, c));

    public static IArchiveWriter OpenWriter(string location) => Open("--to-archive", location, (l, c) => S3ArchiveWriter.Create(l, c));

    private static T Open<T>(string option, string location, Func<string, S3ConnectionOptions, T> create)
    {
        try
        {
            return create(location, Connection);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new UsageException($"{option} {location}: {e.Message}", e);
        }
        catch (S3ArchiveAccessException e)
        {
            throw new UsageException($"{option} {location}: {e.Detail}", e);
        }
    }

    private static S3ConnectionOptions FromEnvironment(string? endpoint, string? region, bool anonymous)
    {
        endpoint ??= NonEmpty("AWS_ENDPOINT_URL_S3") ?? NonEmpty("AWS_ENDPOINT_URL");
        Uri? uri = null;
        if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out uri))
        {
            throw new UsageException($"{EndpointOption} {endpoint}: not an absolute http(s) URL.");
        }

        return new S3ConnectionOptions
        {
            Endpoint = uri,
            Region = region ?? NonEmpty("AWS_REGION") ?? NonEmpty("AWS_DEFAULT_REGION") ?? S3ConnectionOptions.DefaultRegion,
            Anonymous = anonymous,
        };
    }

    private static string? NonEmpty(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;
}
