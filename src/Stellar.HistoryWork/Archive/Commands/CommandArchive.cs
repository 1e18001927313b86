using System.Globalization;

namespace Stellar.HistoryWork;

/// <summary>
/// An archive reached through stellar-core's command templates (its <c>RunCommandWork</c>, <c>GetRemoteFileWork</c>,
/// <c>PutRemoteFileWork</c>, <c>MakeRemoteDirWork</c>): <see cref="Reader"/> runs <c>get</c>, <see cref="Writer"/> runs
/// <c>mkdir</c> then <c>put</c>. Every command runs as the reference node runs it — split on whitespace, no shell — with
/// a timeout and a bound on how many run at once, shared by the reader and the writer. A failing command is an
/// <see cref="ArchiveTransientException"/> carrying its exit code and standard error: an <see cref="ArchivePool"/>
/// retries it with backoff and the publish works retry a put. A command cannot tell "no such file" from "could not
/// reach the archive", so a failed <c>get</c> is never reported as a missing file: after the retries it is
/// <c>unreachable</c> (which says "try again later"), not <c>missing</c> (which blames the archive's data).
/// </summary>
public sealed class CommandArchive
{
    private CommandArchive(CommandArchiveOptions options)
    {
        options.Validate();
        Options = options;
        var runner = new CommandRunner(options);
        var temporary = options.TemporaryDirectory ?? Path.GetTempPath();
        try
        {
            var get = options.Get is { } g ? CommandTemplate.Parse(g, 2, "get") : null;
            var put = options.Put is { } p ? CommandTemplate.Parse(p, 2, "put") : null;
            var mkdir = options.Mkdir is { } m ? CommandTemplate.Parse(m, 1, "mkdir") : null;
            Reader = get is null ? null : new CommandArchiveReader(options.Name, get, runner, temporary);
            Writer = put is null ? null : new CommandArchiveWriter(options.Name, put, mkdir, runner, temporary, Reader);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"command archive '{options.Name}': {e.Message}", nameof(options), e);
        }
    }

    /// <summary>The settings, as given.</summary>
    public CommandArchiveOptions Options { get; }

    /// <summary>Runs <c>get</c>; null without one.</summary>
    public CommandArchiveReader? Reader { get; }

    /// <summary>Runs <c>mkdir</c> and <c>put</c>; null without a put command.</summary>
    public CommandArchiveWriter? Writer { get; }

    /// <summary>A command archive from its templates.</summary>
    /// <exception cref="ArgumentException">No get and no put, a template that does not parse, or a bad setting.</exception>
    public static CommandArchive Create(CommandArchiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new CommandArchive(options);
    }

    /// <summary>
    /// Every <c>[HISTORY.name]</c> section of a stellar-core configuration file (TOML), unchanged: its <c>get</c>,
    /// <c>put</c> and <c>mkdir</c> strings; other sections and keys are ignored. <paramref name="defaults"/> gives the
    /// other settings (timeout, concurrency, …) of each.
    /// </summary>
    /// <exception cref="FormatException">The file is not TOML this reader understands, naming the line.</exception>
    /// <exception cref="ArgumentException">A section's templates do not parse.</exception>
    public static IReadOnlyList<CommandArchive> FromStellarCoreConfig(string toml, CommandArchiveOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(toml);
        return StellarCoreHistoryConfig.Parse(toml)
            .Select(s => Create(new CommandArchiveOptions
            {
                Name = s.Name,
                Get = s.Get,
                Put = s.Put,
                Mkdir = s.Mkdir,
                Timeout = defaults?.Timeout ?? TimeSpan.FromMinutes(10),
                MaxConcurrentCommands = defaults?.MaxConcurrentCommands ?? 16,
                MaxErrorBytes = defaults?.MaxErrorBytes ?? 4096,
                TemporaryDirectory = defaults?.TemporaryDirectory,
                TimeProvider = defaults?.TimeProvider ?? TimeProvider.System,
            }))
            .ToList();
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Options.Name} (get: {Options.Get ?? "none"}; put: {Options.Put ?? "none"}; mkdir: {Options.Mkdir ?? "none"})");
}
