using System.Runtime.InteropServices;

namespace Stellar.HistoryWork.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C asks for a clean stop (verified files stay); a second one kills.
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };

        // SIGTERM (how Kubernetes and AWS Batch stop a container) is a clean stop too: nothing half-written is left
        // under a final name (every file is renamed into place whole) and a rerun resumes. A second one kills.
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        });

        var console = new CliConsole(Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);
        return await StellarHistoryApp.RunAsync(args, console, cancellation.Token);
    }
}
