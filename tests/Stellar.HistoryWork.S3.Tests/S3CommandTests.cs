using System.Net;
using System.Net.Sockets;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.S3.Tests.Support;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.S3.Tests;

/// <summary>
/// <c>stellar-history</c> with <c>s3://</c> archives against s3rver: credentials come from the SDK's chain (here the
/// environment, as an operator would set it), the endpoint from <c>--s3-endpoint</c>.
/// </summary>
public sealed class S3CommandTests : IClassFixture<S3rverFixture>
{
    private readonly S3rverFixture _server;

    public S3CommandTests(S3rverFixture server)
    {
        _server = server;
        // Only this class runs the command; its tests run one after another.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
    }

    [S3Fact]
    public async Task MirrorVerifyCatchup_DirectoryToS3AndBack_EachExits0()
    {
        var bucket = await _server.CreateBucketAsync();
        var archive = $"s3://{bucket}/testnet";
        var endpoint = _server.Endpoint.ToString();
        using var out1 = new TempDirectory();

        var mirror = await CliRun.RunAsync("mirror", "--archive", Fixtures.TestnetSmall, "--to-archive", archive, "--from", "9984", "--s3-endpoint", endpoint, "--quiet");
        var verify = await CliRun.RunAsync("verify", "--archive", archive, "--from", "9984", "--s3-endpoint", endpoint, "--quiet");
        var catchup = await CliRun.RunAsync("catchup", "--archive", archive, "--to", "10047", "--out", out1.Path, "--s3-endpoint", endpoint, "--quiet");

        mirror.ExitCode.Should().Be(0, mirror.ToString());
        verify.ExitCode.Should().Be(0, verify.ToString());
        verify.Output.Should().Contain("problems  none");
        catchup.ExitCode.Should().Be(0, catchup.ToString());
        var ledger = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 10047);
        File.ReadAllBytes(Path.Combine(out1.Path, ledger)).Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, ledger)));
    }

    [S3Fact]
    public async Task VerifyShardsThenMergeReports_ReportsInS3_MergedEqualsOneRun()
    {
        // Issue 14: the shards of an Indexed Job keep their reports in object storage, and merge-reports reads them there.
        var bucket = await _server.CreateBucketAsync();
        var reports = $"s3://{bucket}/reports/job-1";
        var endpoint = _server.Endpoint.ToString();
        using var temp = new TempDirectory();
        string[] range = ["--archive", Fixtures.TestnetSmall, "--from", "8000", "--to", "10047", "--s3-endpoint", endpoint, "--quiet"];

        var single = await CliRun.RunAsync(["verify", .. range, "--json", Path.Combine(temp.Path, "single.json")]);
        for (var i = 0; i < 3; i++)
        {
            var shard = await CliRun.RunAsync(["verify", .. range, "--shard-count", "3", "--shard-index", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--report-dir", reports]);
            shard.ExitCode.Should().Be(0, shard.ToString());
        }

        var merged = await CliRun.RunAsync("merge-reports", reports, "--shard-count", "3", "--s3-endpoint", endpoint, "--json", Path.Combine(temp.Path, "merged.json"));
        var withoutCount = await CliRun.RunAsync("merge-reports", reports, "--s3-endpoint", endpoint);
        var missing = await CliRun.RunAsync("merge-reports", reports, "--shard-count", "4", "--s3-endpoint", endpoint, "--json", Path.Combine(temp.Path, "missing.json"));

        single.ExitCode.Should().Be(0, single.ToString());
        merged.ExitCode.Should().Be(0, merged.ToString());
        using (var one = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "single.json"))))
        using (var all = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "merged.json"))))
        {
            foreach (var field in new[] { "ok", "fromLedger", "toLedger", "checkpoints", "files", "bytes" })
            {
                all.RootElement.GetProperty(field).GetRawText().Should().Be(one.RootElement.GetProperty(field).GetRawText(), field);
            }
        }

        withoutCount.ExitCode.Should().Be(2, withoutCount.ToString());
        withoutCount.Error.Should().Contain("give --shard-count");
        missing.ExitCode.Should().Be(1, missing.ToString());
        File.ReadAllText(Path.Combine(temp.Path, "missing.json")).Should().Contain("missing-shard");
    }

    [S3Fact]
    public async Task MirrorShardsThenMergeToArchive_TargetInS3_WellKnownOnlyAfterTheMerge()
    {
        // Issue 14: a sharded mirror into object storage, stage by stage, reports there too; .well-known comes last.
        var bucket = await _server.CreateBucketAsync();
        var archive = $"s3://{bucket}/testnet";
        var reports = $"s3://{bucket}/reports/checkpoints";
        var endpoint = _server.Endpoint.ToString();
        using var client = _server.CreateClient();
        string[] Shard(string stage, int index, string reportDir) =>
        [
            "mirror", "--archive", Fixtures.TestnetSmall, "--to-archive", archive, "--from", "9472", "--to", "10047", "--shard-count", "2",
            "--shard-index", index.ToString(System.Globalization.CultureInfo.InvariantCulture), "--stage", stage, "--report-dir", reportDir, "--s3-endpoint", endpoint, "--quiet",
        ];

        foreach (var stage in new[] { "buckets", "checkpoints" })
        {
            for (var i = 0; i < 2; i++)
            {
                var run = await CliRun.RunAsync(Shard(stage, i, stage == "buckets" ? $"s3://{bucket}/reports/buckets" : reports));
                run.ExitCode.Should().Be(0, run.ToString());
            }
        }

        (await BucketContents.KeysAsync(client, bucket, "testnet")).Should().NotContain(ArchivePaths.WellKnownState).And.Contain(ArchivePaths.HistoryState(10047));
        var merge = await CliRun.RunAsync("merge-reports", reports, "--shard-count", "2", "--to-archive", archive, "--s3-endpoint", endpoint);
        var verify = await CliRun.RunAsync("verify", "--archive", archive, "--from", "9472", "--s3-endpoint", endpoint, "--quiet");

        merge.ExitCode.Should().Be(0, merge.ToString());
        (await BucketContents.Sha256Async(client, bucket, "testnet/" + ArchivePaths.WellKnownState))
            .Should().Equal(BucketContents.Sha256OfFile(Path.Combine(Fixtures.TestnetSmall, ArchivePaths.WellKnownState)));
        verify.ExitCode.Should().Be(0, verify.ToString());
        verify.Output.Should().Contain("problems  none");
    }

    [S3Fact]
    public async Task Verify_BucketDoesNotExist_OneLineExit2()
    {
        var run = await CliRun.RunAsync("verify", "--archive", "s3://no-such-bucket-here/x", "--s3-endpoint", _server.Endpoint.ToString(), "--quiet");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Trim().Should().Be("error: --archive s3://no-such-bucket-here/x: the bucket 'no-such-bucket-here' does not exist (HTTP 404 NoSuchBucket)");
        run.Output.Should().BeEmpty();
    }

    [S3Fact]
    public async Task Mirror_UnknownAccessKey_OneLineExit2AndNothingRead()
    {
        var bucket = await _server.CreateBucketAsync();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "NOTAKEY");
        try
        {
            var run = await CliRun.RunAsync("mirror", "--archive", Fixtures.TestnetSmall, "--to-archive", $"s3://{bucket}", "--s3-endpoint", _server.Endpoint.ToString(), "--quiet");

            run.ExitCode.Should().Be(2, run.ToString());
            run.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("credentials were refused").And.Contain("NOTAKEY").And.NotContain("S3RVER", "the secret is never shown");
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
        }
    }

    [Fact]
    public async Task Verify_EndpointRefusesConnections_OneLineExit3()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await CliRun.RunAsync("verify", "--archive", "s3://history/testnet", "--s3-endpoint", $"http://127.0.0.1:{port}", "--quiet");

        run.ExitCode.Should().Be(3, run.ToString());
        run.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("error: --archive s3://history/testnet: cannot reach");
    }
}
