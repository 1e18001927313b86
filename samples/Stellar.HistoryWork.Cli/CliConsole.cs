using System.Runtime.CompilerServices;
using Spectre.Console;
using Stellar.HistoryWork.Cli.Reporting;

namespace Stellar.HistoryWork.Cli;

/// <summary>
/// Where the command writes: human text (<see cref="Output"/>, <see cref="Error"/>), the machine-readable report
/// (<see cref="Data"/>, standard output), and whether a person is watching.
/// </summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool interactive, TextWriter? data = null)
{
    // Shared with the consoles ForReport derives, so that the entry point sees what the verb set.
    private StrongBox<string> _keptOnCancel = new("nothing was written.");

    /// <summary>Human text: standard output, or standard error when standard output carries the JSON report.</summary>
    public TextWriter Output { get; } = TerminalSafeWriter.Guard(output);

    public TextWriter Error { get; } = TerminalSafeWriter.Guard(error);

    /// <summary>Standard output itself: where <c>--json -</c> goes, and nothing else then.</summary>
    public TextWriter Data { get; } = data ?? output;

    /// <summary>True when output goes to a terminal: live progress bars instead of periodic lines.</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>
    /// What a cancelled run leaves behind, said when Ctrl-C stops it (e.g. "verified files kept under DIR");
    /// a verb sets it as soon as it knows.
    /// </summary>
    public string KeptOnCancel
    {
        get => _keptOnCancel.Value!;
        set => _keptOnCancel.Value = value;
    }

    /// <summary>
    /// The console for a verb whose report goes to <paramref name="json"/>: when that is standard output
    /// (<c>-</c>), every human line moves to standard error so that standard output is only JSON.
    /// </summary>
    public CliConsole ForReport(FileInfo? json) =>
        JsonOutput.IsStandardOutput(json) && ReferenceEquals(Data, output)
            ? new CliConsole(Error, Error, interactive: false, data: Data) { _keptOnCancel = _keptOnCancel }
            : this;

    /// <summary>A Spectre.Console view of <see cref="Output"/> for live rendering (only used when <see cref="Interactive"/>).</summary>
    public IAnsiConsole CreateAnsiConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output), // Spectre writes escape sequences of its own; what it shows is markup-escaped
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
    });
}
