using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Benchmarks.Download;

/// <summary>
/// <c>serve-archive DIR PORT</c>: a static Kestrel server on 127.0.0.1:PORT serving DIR, streamed from disk
/// (sendfile), for catching up over loopback HTTP. Runs until killed.
/// </summary>
internal static class ServeArchiveCommand
{
    public static bool TryRun(string[] args)
    {
        if (args.Length < 3 || args[0] != "serve-archive")
        {
            return false;
        }

        var root = Path.GetFullPath(args[1]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)));
        var app = builder.Build();
        app.Run(async context =>
        {
            var file = Path.GetFullPath(Path.Combine(root, (context.Request.Path.Value ?? "/").TrimStart('/')));
            if (!file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
            {
                context.Response.StatusCode = 404;
                return;
            }

            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = new FileInfo(file).Length;
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await context.Response.SendFileAsync(file, context.RequestAborted);
            }
        });
        Console.WriteLine($"serving {root} on http://127.0.0.1:{args[2]}/");
        app.Run();
        return true;
    }
}
