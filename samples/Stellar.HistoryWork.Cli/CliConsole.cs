namespace Stellar.HistoryWork.Cli;

/// <summary>Where the command writes: standard output, standard error, and whether a person is watching.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool interactive)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>True when output goes to a terminal: live progress bars instead of periodic lines.</summary>
    public bool Interactive { get; } = interactive;
}
