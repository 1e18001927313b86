using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Stellar.HistoryWork.Tests.Support;

/// <summary>
/// A loopback HTTP/1.1 server that writes whatever raw bytes a test wants (bad redirects, control characters,
/// endless or trickling bodies): a plain <see cref="TcpListener"/>, because a well-behaved server framework
/// refuses to send most of these. One request per connection; the handler gets the request path (without the
/// leading '/') and the connection's stream, and returns false to let the server answer 404.
/// </summary>
internal sealed class HostileHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, Stream, CancellationToken, Task<bool>> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    public HostileHttpServer(Func<string, Stream, CancellationToken, Task<bool>> respond)
    {
        _respond = respond;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseUri { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Writes an ASCII (Latin-1) head: status line, headers, blank line.</summary>
    public static async Task WriteHeadAsync(Stream stream, string statusLine, CancellationToken cancellationToken, params string[] headers)
    {
        var head = new StringBuilder(statusLine).Append("\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>A whole 200 response with <paramref name="body"/>.</summary>
    public static async Task WriteOkAsync(Stream stream, byte[] body, CancellationToken cancellationToken)
    {
        await WriteHeadAsync(stream, "HTTP/1.1 200 OK", cancellationToken, $"Content-Length: {body.Length}");
        await stream.WriteAsync(body, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var path = await ReadRequestPathAsync(stream, _stop.Token);
                Interlocked.Increment(ref _requests);
                if (!await _respond(path, stream, _stop.Token))
                {
                    await WriteHeadAsync(stream, "HTTP/1.1 404 Not Found", _stop.Token, "Content-Length: 0");
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client gave up, which is what most hostile answers are for.
            }
        }
    }

    private static async Task<string> ReadRequestPathAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16 * 1024)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("the client closed before a whole request");
            }

            head.Append((char)one[0]);
        }

        var target = head.ToString().Split(' ')[1];
        return Uri.UnescapeDataString(target.TrimStart('/'));
    }
}
