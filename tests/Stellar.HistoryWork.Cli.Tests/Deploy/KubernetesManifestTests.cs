using System.Globalization;
using System.Text.RegularExpressions;
using Stellar.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Stellar.HistoryWork.Cli.Tests.Deploy;

/// <summary>
/// deploy/kubernetes (issue 14), on paper but checked: every manifest parses, the Jobs have what this design needs
/// (Indexed, Never, backoffLimitPerIndex, the failure policy), each container command line parses with the command's
/// own parser, and the failure policy's exit codes are the command's.
/// </summary>
public partial class KubernetesManifestTests
{
    private static readonly string Directory = Path.Combine(Fixtures.RepositoryRoot, "deploy", "kubernetes");

    public static TheoryData<string> Manifests => [.. ManifestFiles()];

    public static TheoryData<string> Jobs => [.. ManifestFiles().Where(m => Load(m)["kind"].ToString() == "Job")];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Manifest_Parses_WithApiVersionKindAndName(string file)
    {
        var root = Load(file);

        root["apiVersion"].ToString().Should().NotBeEmpty();
        root["kind"].ToString().Should().Be("Job");
        ((YamlMappingNode)root["metadata"])["name"].ToString().Should().StartWith("stellar-history");
    }

    [Theory]
    [MemberData(nameof(Jobs))]
    public void Job_FailurePolicy_MapsTheCommandsExitCodes(string file)
    {
        var spec = (YamlMappingNode)Load(file)["spec"];
        var template = (YamlMappingNode)((YamlMappingNode)spec["template"])["spec"];
        template["restartPolicy"].ToString().Should().Be("Never", "a podFailurePolicy needs it");

        var rules = ((YamlSequenceNode)((YamlMappingNode)spec["podFailurePolicy"])["rules"]).Cast<YamlMappingNode>().ToArray();
        var byCode = rules.Where(r => r.Children.ContainsKey("onExitCodes"))
            .SelectMany(r => ((YamlSequenceNode)((YamlMappingNode)r["onExitCodes"])["values"]).Select(v => (Code: int.Parse(v.ToString(), CultureInfo.InvariantCulture), Action: r["action"].ToString())))
            .ToDictionary(p => p.Code, p => p.Action);
        var indexed = spec.Children.TryGetValue("completionMode", out var mode) && mode.ToString() == "Indexed";
        byCode[ExitCodes.Problems].Should().Be(indexed ? "FailIndex" : "FailJob", "problems were found and reported: a retry finds them again");
        byCode[ExitCodes.Usage].Should().Be("FailJob", "a wrong command line fails every index");
        byCode[ExitCodes.Unreachable].Should().Be("Count", "an unreachable archive is worth a retry");
        byCode[ExitCodes.LocalError].Should().Be("Count", "a full or read-only disk of one pod is worth a retry, perhaps on another node");
        byCode.Keys.Should().BeSubsetOf([ExitCodes.Ok, ExitCodes.Problems, ExitCodes.Usage, ExitCodes.Unreachable, ExitCodes.LocalError, ExitCodes.Cancelled]);
        rules.Should().Contain(r => r["action"].ToString() == "Ignore"
            && ((YamlSequenceNode)r["onPodConditions"]).Cast<YamlMappingNode>().Any(c => c["type"].ToString() == "DisruptionTarget"));
        foreach (var rule in rules.Where(r => r.Children.ContainsKey("onExitCodes")))
        {
            ((YamlMappingNode)rule["onExitCodes"])["containerName"].ToString().Should().Be(Container(template)["name"].ToString());
        }

        if (indexed)
        {
            spec["backoffLimitPerIndex"].ToString().Should().Be("3");
        }
    }

    [Theory]
    [MemberData(nameof(Jobs))]
    public void Job_ContainerCommandLine_ParsesWithTheCommandsParser(string file)
    {
        var spec = (YamlMappingNode)Load(file)["spec"];
        var container = Container((YamlMappingNode)((YamlMappingNode)spec["template"])["spec"]);
        var args = Args(container);

        var parse = StellarHistoryApp.BuildRootCommand(new CliConsole(TextWriter.Null, TextWriter.Null, interactive: false)).Parse(args);

        parse.Errors.Should().BeEmpty(string.Join(' ', args));
        if (spec.Children.TryGetValue("completionMode", out var mode) && mode.ToString() == "Indexed")
        {
            args.Should().NotContain("--shard-index", "each pod takes its index from JOB_COMPLETION_INDEX");
            args[Array.IndexOf(args, "--shard-count") + 1].Should().Be(spec["completions"].ToString(), "one index, one shard");
            args.Should().Contain("--to", "every shard must cut the same range");
        }
    }

    [Theory]
    [MemberData(nameof(Jobs))]
    public void Job_Pod_RunsAsNonRootWithResources(string file)
    {
        var template = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Load(file)["spec"])["template"])["spec"];
        var container = Container(template);

        ((YamlMappingNode)template["securityContext"])["runAsNonRoot"].ToString().Should().Be("true");
        var resources = (YamlMappingNode)container["resources"];
        ((YamlMappingNode)resources["requests"])["memory"].ToString().Should().NotBeEmpty();
        ((YamlMappingNode)resources["limits"])["memory"].ToString().Should().NotBeEmpty();
    }

    [Fact]
    public void Jobs_VerifyAndMerge_ShareOneReportLocationInObjectStorage()
    {
        // The shards write their reports where the merge reads them, in object storage (no shared volume to provision).
        var verify = Args(Container((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Load("verify-job.yaml")["spec"])["template"])["spec"]));
        var merge = Args(Container((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Load("merge-job.yaml")["spec"])["template"])["spec"]));

        var reportDir = verify[Array.IndexOf(verify, "--report-dir") + 1];
        reportDir.Should().StartWith("s3://");
        merge[0].Should().Be("merge-reports");
        merge[1].Should().Be(reportDir);
        merge[Array.IndexOf(merge, "--shard-count") + 1].Should().Be(verify[Array.IndexOf(verify, "--shard-count") + 1], "s3:// is not listed: the merge is told N");
    }

    [Fact]
    public void Jobs_ShardedMirror_BucketsThenCheckpointsThenMergeIntoOneTarget()
    {
        // The two stages cut the same range into the same shards, read one source and write one target; the merge reads
        // the checkpoints stage's reports (the stage that binds every HAS) and writes .well-known at that target.
        var buckets = Args(Container((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Load("mirror-buckets-job.yaml")["spec"])["template"])["spec"]));
        var checkpoints = Args(Container((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Load("mirror-checkpoints-job.yaml")["spec"])["template"])["spec"]));
        var merge = Args(Container((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Load("mirror-merge-job.yaml")["spec"])["template"])["spec"]));
        string Value(string[] args, string option) => args[Array.IndexOf(args, option) + 1];

        buckets[0].Should().Be("mirror");
        Value(buckets, "--stage").Should().Be("buckets");
        checkpoints[0].Should().Be("mirror");
        Value(checkpoints, "--stage").Should().Be("checkpoints");
        foreach (var option in new[] { "--archive", "--to-archive", "--to", "--shard-count" })
        {
            Value(checkpoints, option).Should().Be(Value(buckets, option), option);
        }

        Value(buckets, "--report-dir").Should().NotBe(Value(checkpoints, "--report-dir"), "a stage's report must not overwrite the other's");
        merge[0].Should().Be("merge-reports");
        merge[1].Should().Be(Value(checkpoints, "--report-dir"));
        Value(merge, "--shard-count").Should().Be(Value(checkpoints, "--shard-count"));
        Value(merge, "--to-archive").Should().Be(Value(checkpoints, "--to-archive"));
        Value(checkpoints, "--to-archive").Should().StartWith("s3://");
    }

    private static IEnumerable<string> ManifestFiles() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    private static YamlMappingNode Container(YamlMappingNode podSpec) =>
        ((YamlSequenceNode)podSpec["containers"]).Cast<YamlMappingNode>().Single();

    /// <summary>The container's args with $(VAR) expanded from its env, as Kubernetes does.</summary>
    private static string[] Args(YamlMappingNode container)
    {
        var env = container.Children.TryGetValue("env", out var list)
            ? ((YamlSequenceNode)list).Cast<YamlMappingNode>().ToDictionary(e => e["name"].ToString(), e => e["value"].ToString())
            : [];
        return [.. ((YamlSequenceNode)container["args"]).Select(a => Variable().Replace(a.ToString(), m => env.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value))];
    }

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Directory, file)));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Variable();
}
