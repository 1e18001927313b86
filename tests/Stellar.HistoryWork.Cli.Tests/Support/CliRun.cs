namespace Stellar.HistoryWork.Cli.Tests.Support;

/// <summary>One run of the real entry point with captured output.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Runs <c>stellar-history ARGS</c> with output redirected (no terminal), as CI or a log would see it.</summary>
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(interactive: false, args);

    /// <summary>Runs with <paramref name="interactive"/> as if a terminal were (or were not) attached.</summary>
    public static Task<CliRun> RunAsync(bool interactive, params string[] args) => RunAsync(interactive, CancellationToken.None, args);

    /// <summary>Runs with a cancellation token: Ctrl-C, as the entry point turns it into one.</summary>
    public static async Task<CliRun> RunAsync(bool interactive, CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, interactive);
        var exit = await StellarHistoryApp.RunAsync(args, console, cancellationToken);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
