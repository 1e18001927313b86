using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Stellar.HistoryWork.Cli.Tests.Support;

/// <summary>An http archive on a loopback port nobody listens on (taken free, then released): every connection is refused.</summary>
internal static class RefusingArchive
{
    public static string Location()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/");
    }
}
