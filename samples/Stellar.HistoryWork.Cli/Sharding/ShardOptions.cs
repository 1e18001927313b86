using System.CommandLine;
using System.Globalization;

namespace Stellar.HistoryWork.Cli.Sharding;

/// <summary>
/// <c>--shard-count N [--shard-index I] [--report-dir LOC]</c> (docs/SCALE-OUT.md): which shard of a job this run
/// is. The index defaults to <c>JOB_COMPLETION_INDEX</c> (a Kubernetes Indexed Job), else
/// <c>AWS_BATCH_JOB_ARRAY_INDEX</c> (an AWS Batch array job); the slicing itself is the library's
/// (<see cref="ArchiveShard"/>).
/// </summary>
internal sealed class ShardOptions
{
    /// <summary>The environment variables that name the index, in the order they are looked at.</summary>
    public static readonly IReadOnlyList<string> IndexVariables = ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"];

    public Option<int?> Count { get; } = new("--shard-count")
    {
        Description = "Cut the range into N slices (index 0 the newest) and work on one of them; needs --to, so that every shard cuts the same range.",
        CustomParser = r => ParseInt(r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty, 1, error => r.AddError("--shard-count: " + error)),
    };

    public Option<int?> Index { get; } = new("--shard-index")
    {
        Description = "Which slice, 0..N-1. Default: $JOB_COMPLETION_INDEX (Kubernetes Indexed Job), else $AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job).",
        CustomParser = r => ParseInt(r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty, 0, error => r.AddError("--shard-index: " + error)),
    };

    public Option<string?> ReportDir { get; } = new("--report-dir")
    {
        Description = "Directory (or file:///abs/path) to write this shard's report to, as shard-I-of-N.json, for merge-reports. Rewritten whole on a rerun.",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Count);
        command.Options.Add(Index);
        command.Options.Add(ReportDir);
    }

    /// <summary>
    /// The shard this run is, or null without <c>--shard-count</c>. Usage errors: an index or report directory
    /// without a count, a count without <c>--to</c>, no index given or in the environment, an index not below the count.
    /// </summary>
    public ArchiveShard? Resolve(ParseResult parse, uint? to, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(environment);
        var count = parse.GetValue(Count);
        var index = parse.GetValue(Index);
        if (count is null)
        {
            if (index is not null || parse.GetValue(ReportDir) is not null)
            {
                throw new UsageException("--shard-index and --report-dir need --shard-count.");
            }

            return null;
        }

        if (to is null)
        {
            throw new UsageException("--shard-count needs --to: every shard must cut the same range.");
        }

        index ??= FromEnvironment(environment);
        if (index >= count)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--shard-index {index} is not below --shard-count {count}."));
        }

        return new ArchiveShard(index.Value, count.Value);
    }

    private static int FromEnvironment(Func<string, string?> environment)
    {
        foreach (var variable in IndexVariables)
        {
            if (environment(variable) is { Length: > 0 } text)
            {
                return ParseInt(text, 0, error => throw new UsageException($"${variable}: {error}"))!.Value;
            }
        }

        throw new UsageException($"--shard-count without --shard-index needs ${string.Join(" or $", IndexVariables)} (set by a Kubernetes Indexed Job or an AWS Batch array job).");
    }

    private static int? ParseInt(string text, int minimum, Action<string> error)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            error($"'{text}' is not a whole number.");
            return null;
        }

        if (value < minimum)
        {
            error(string.Create(CultureInfo.InvariantCulture, $"must be at least {minimum}, got {value}."));
            return null;
        }

        return value;
    }
}
