using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Stellar.HistoryWork.S3.Tests.Support;

/// <summary>
/// A real S3-compatible server on an ephemeral 127.0.0.1 port, started once per test class and stopped by the
/// process id it started. Each test takes a fresh bucket (<see cref="CreateBucketAsync"/>).
/// </summary>
public abstract partial class S3ServerFixture : IAsyncLifetime
{
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];
    private Process? _process;

    /// <summary>The server's endpoint, once started.</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1:1/");

    public abstract string Name { get; }

    /// <summary>Whether the server implements AbortMultipartUpload and ListMultipartUploads.</summary>
    public abstract bool SupportsMultipartAbort { get; }

    protected abstract string AccessKey { get; }

    protected abstract string SecretKey { get; }

    public async Task InitializeAsync()
    {
        if (S3TestServers.Unavailable is { } reason)
        {
            if (S3TestServers.IsCi)
            {
                throw new InvalidOperationException(reason + " (CI=true: the S3 round trips must run; .ci/run installs the servers with npm ci)");
            }

            return;
        }

        var start = StartInfo();
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = S3TestServers.Directory;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start");
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _port.TrySetException(new InvalidOperationException($"{Name} exited: {string.Join(Environment.NewLine, Output())}"));
        var port = await _port.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Endpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        Cleanup();
    }

    /// <summary>Connection settings for this server, optionally through a handler seam (fault injection).</summary>
    public S3ConnectionOptions Connection(HttpClientFactory? httpClientFactory = null, AWSCredentials? credentials = null) => new()
    {
        Endpoint = Endpoint,
        Credentials = credentials ?? new BasicAWSCredentials(AccessKey, SecretKey),
        HttpClientFactory = httpClientFactory,
    };

    public IAmazonS3 CreateClient(HttpClientFactory? httpClientFactory = null) => Connection(httpClientFactory).CreateClient(out _);

    /// <summary>A new empty bucket.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..20];
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    protected abstract ProcessStartInfo StartInfo();

    protected virtual void Cleanup()
    {
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _port.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    private string[] Output()
    {
        lock (_output)
        {
            return [.. _output];
        }
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex ListeningLine();
}

/// <summary>s3rver 3.7.1: files on disk, checks signatures; no multipart abort.</summary>
public sealed class S3rverFixture : S3ServerFixture
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "shw-s3rver-" + Guid.NewGuid().ToString("N"));

    public override string Name => "s3rver";

    public override bool SupportsMultipartAbort => false;

    protected override string AccessKey => "S3RVER";

    protected override string SecretKey => "S3RVER";

    protected override ProcessStartInfo StartInfo()
    {
        Directory.CreateDirectory(_data);
        var start = new ProcessStartInfo(S3TestServers.Node)
        {
            ArgumentList = { Path.Combine("node_modules", "s3rver", "bin", "s3rver.js"), "-d", _data, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", "configured" },
        };
        // Without the legacy provider its paged listing answers 500 on current OpenSSL.
        start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        return start;
    }

    protected override void Cleanup()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>fauxqs 1.9.2: in memory, multipart with abort and listing; started by a module that binds loopback only.</summary>
public sealed class FauxqsFixture : S3ServerFixture
{
    public override string Name => "fauxqs";

    public override bool SupportsMultipartAbort => true;

    protected override string AccessKey => "test";

    protected override string SecretKey => "test";

    protected override ProcessStartInfo StartInfo() => new(S3TestServers.Node) { ArgumentList = { "fauxqs-server.mjs", "0" } };
}
