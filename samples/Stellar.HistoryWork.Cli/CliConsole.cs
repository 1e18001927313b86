using Spectre.Console;

namespace Stellar.HistoryWork.Cli;

/// <summary>Where the command writes: standard output, standard error, and whether a person is watching.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool interactive)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>True when output goes to a terminal: live progress bars instead of periodic lines.</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>A Spectre.Console view of <see cref="Output"/> for live rendering (only used when <see cref="Interactive"/>).</summary>
    public IAnsiConsole CreateAnsiConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Output),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
    });
}
