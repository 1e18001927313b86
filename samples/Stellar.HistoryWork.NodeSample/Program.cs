using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Stellar.HistoryWork;
using Stellar.HistoryWork.NodeSample;

var builder = Host.CreateApplicationBuilder(args);

// Named archives from appsettings.json ("HistoryArchives"), validated at start; HTTP through IHttpClientFactory.
builder.Services.AddStellarHistoryArchives(builder.Configuration.GetSection("HistoryArchives"));
builder.Services.AddHealthChecks().AddStellarHistoryArchives();

// Where to catch up to and what anchors it (in a node: the ledger and hash its consensus agreed on).
builder.Services.AddOptions<CatchupSettings>().Bind(builder.Configuration.GetSection("Catchup"))
    .Validate(c => c.ToLedger > 1 && c.TrustedHash.Length > 0, "Catchup:ToLedger and Catchup:TrustedHash are required").ValidateOnStart();
builder.Services.AddHostedService<CatchupWorker>();

// The library's one Meter, exported to the console (any OpenTelemetry exporter works the same way).
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter(HistoryWorkInfo.TelemetryName)
    .AddConsoleExporter());

// Ctrl-C or SIGTERM stops the host: the catchup is cancelled and the host ends cleanly.
await builder.Build().RunAsync();
