using System.Net.Http;
using System.Net.Sockets;

namespace Stellar.HistoryWork;

/// <summary>What an archive failure says about the archive's load (the signal of <see cref="AdaptiveConcurrencyLimit"/>).</summary>
internal static class ArchiveFailures
{
    /// <summary>
    /// True when the archive looks overloaded: 429 or 503, a refused, reset or aborted connection, or no
    /// answer in time. A 500 or a 404 says nothing about load.
    /// </summary>
    public static bool IsOverload(Exception error) =>
        error is ArchiveTransientException transient && (transient.StatusCode is 429 or 503 || IsConnectionFailure(transient));

    /// <summary>True when <paramref name="error"/> comes from the connection (refused, reset, timed out), not from an answer.</summary>
    public static bool IsConnectionFailure(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket when socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset
                    or SocketError.ConnectionAborted or SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable:
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded }:
                case OperationCanceledException or TimeoutException:
                    return true;
            }
        }

        return false;
    }
}
