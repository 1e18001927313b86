using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Cli.Demo;

/// <summary>
/// Serves an archive directory as static files on 127.0.0.1 (a free port, no other address), the way a
/// history archive is published behind any web server, and counts what it served.
/// </summary>
internal sealed class LoopbackArchiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;
    private long _bytes;

    private LoopbackArchiveServer(WebApplication app) => _app = app;

    /// <summary>The archive's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    public long Requests => Interlocked.Read(ref _requests);

    public long BytesServed => Interlocked.Read(ref _bytes);

    public static async Task<LoopbackArchiveServer> StartAsync(string root, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        // Listening on an explicit endpoint overrides ASPNETCORE_URLS and any configured address.
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackArchiveServer(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref server._requests);
            await next(context);
            if (context.Response.ContentLength is { } length)
            {
                Interlocked.Add(ref server._bytes, length);
            }
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            // The default provider hides dot-folders, and the root state lives in .well-known/.
            FileProvider = new PhysicalFileProvider(Path.GetFullPath(root), ExclusionFilters.None),
            ServeUnknownFileTypes = true,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
