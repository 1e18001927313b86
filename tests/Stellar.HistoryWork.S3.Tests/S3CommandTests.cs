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
