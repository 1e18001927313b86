using System.CommandLine;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Commands;

namespace Stellar.HistoryWork.Cli;

/// <summary>The <c>stellar-history</c> command: parses the command line and runs one verb.</summary>
internal static class StellarHistoryApp
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);

        if (args.Length == 0)
        {
            return await RunGuardedAsync(console, () => DemoCommand.RunAsync(console, cancellationToken), cancellationToken);
        }

        var root = BuildRootCommand(console);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await console.Error.WriteLineAsync("error: " + parseError.Message);
            }

            await console.Error.WriteLineAsync("Run 'stellar-history --help' for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.Output,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,

            // Program handles Ctrl-C (a clean stop, exit 130); the parser's own handler would race it.
            ProcessTerminationTimeout = null,
        };
        return await RunGuardedAsync(
            console,
            async () =>
            {
                S3Locations.Bind(parseResult);
                await S3Locations.CheckAsync(parseResult, cancellationToken);
                return await parseResult.InvokeAsync(configuration, cancellationToken);
            },
            cancellationToken);
    }

    internal static RootCommand BuildRootCommand(CliConsole console)
    {
        var root = new RootCommand(
            "Download, verify and publish Stellar history archives. With no arguments: a demo on a bundled real archive.");
        root.Subcommands.Add(VerifyCommand.Create(console));
        root.Subcommands.Add(CatchupCommand.Create(console));
        root.Subcommands.Add(MirrorCommand.Create(console));
        root.Subcommands.Add(StatusCommand.Create(console));
        root.Subcommands.Add(VerifyCheckpointsCommand.Create(console));
        root.Subcommands.Add(DumpXdrCommand.Create(console));
        root.Subcommands.Add(MergeReportsCommand.Create(console));
        S3Locations.AddTo(root);
        return root;
    }

    private static async Task<int> RunGuardedAsync(CliConsole console, Func<Task<int>> run, CancellationToken cancellationToken)
    {
        try
        {
            var exit = await run();

            // A library run may end quietly when cancelled (its works marked Cancelled): Ctrl-C still means 130.
            cancellationToken.ThrowIfCancellationRequested();

            return exit;
        }
        catch (UsageException e)
        {
            await console.Error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("cancelled: " + console.KeptOnCancel);
            return ExitCodes.Cancelled;
        }
        catch (ArchiveUnreachableException e)
        {
            await console.Error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.Unreachable;
        }
        catch (ProblemException e)
        {
            await console.Error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.Problems;
        }
        catch (Exception e) when (e is LocalErrorException || ExitCodes.IsLocalError(e))
        {
            // A file of ours that cannot be written (disk full, read-only, no permission): not the data's fault.
            await console.Error.WriteLineAsync("error: on this machine: " + e.Message);
            return ExitCodes.LocalError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or HttpRequestException)
        {
            await console.Error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.Problems;
        }
        catch (Exception e)
        {
            // A bug, not an input problem: say so plainly; the stack trace is there for whoever reports it.
            await console.Error.WriteLineAsync($"internal error ({e.GetType().Name}): {e.Message}");
            if (Environment.GetEnvironmentVariable("STELLAR_HISTORY_DEBUG") is "1")
            {
                await console.Error.WriteLineAsync(e.ToString());
            }
            else
            {
                await console.Error.WriteLineAsync("Set STELLAR_HISTORY_DEBUG=1 for the stack trace.");
            }

            return ExitCodes.Problems;
        }
    }
}
