namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>
/// stellar-core command archives wherever an archive is given (<see cref="CommandArchive"/>):
/// <list type="bullet">
/// <item><c>cmd:@FILE</c> — the <c>[HISTORY.name]</c> sections of a stellar-core configuration file, unchanged (with
/// <c>--archive</c>, every section that has a <c>get</c>, a pool; with <c>--to-archive</c>, the one that has a
/// <c>put</c>); <c>cmd:@FILE#NAME</c> picks the section <c>[HISTORY.NAME]</c>.</item>
/// <item><c>cmd:get=TEMPLATE;put=TEMPLATE;mkdir=TEMPLATE</c> — the templates inline (any of them; <c>name=</c> too).</item>
/// </list>
/// </summary>
internal static class CommandLocations
{
    private const string Prefix = "cmd:";

    public static bool IsCommand(string location) => location.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The readers of an <c>--archive cmd:…</c> value: one per section with a <c>get</c>.</summary>
    public static IReadOnlyList<IArchiveReader> OpenReaders(string location)
    {
        var readers = Parse("--archive", location).Where(a => a.Reader is not null).Select(a => (IArchiveReader)a.Reader!).ToList();
        return readers.Count > 0 ? readers : throw new UsageException($"--archive {location}: no archive with a get command.");
    }

    /// <summary>The writer of a <c>--to-archive cmd:…</c> value: the one section with a <c>put</c>.</summary>
    public static IArchiveWriter OpenWriter(string option, string location)
    {
        var writers = Parse(option, location).Where(a => a.Writer is not null).ToList();
        return writers.Count switch
        {
            1 => writers[0].Writer!,
            0 => throw new UsageException($"{option} {location}: no archive with a put command."),
            _ => throw new UsageException($"{option} {location}: {writers.Count} archives have a put command ({string.Join(", ", writers.Select(w => w.Options.Name))}); pick one with #NAME."),
        };
    }

    private static List<CommandArchive> Parse(string option, string location)
    {
        var spec = location[Prefix.Length..];
        try
        {
            return spec.StartsWith('@') ? FromFile(option, location, spec[1..]) : [FromInline(spec)];
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new UsageException($"{option} {location}: {e.Message}", e);
        }
    }

    private static List<CommandArchive> FromFile(string option, string location, string spec)
    {
        var hash = spec.LastIndexOf('#');
        var (file, name) = hash > 0 ? (spec[..hash], spec[(hash + 1)..]) : (spec, null);
        if (!File.Exists(file))
        {
            throw new UsageException($"{option} {location}: the configuration file '{file}' does not exist.");
        }

        var archives = CommandArchive.FromStellarCoreConfig(File.ReadAllText(file)).ToList();
        if (name is not null)
        {
            archives = archives.Where(a => a.Options.Name == name).ToList();
            if (archives.Count == 0)
            {
                throw new UsageException($"{option} {location}: '{file}' has no [HISTORY.{name}] section.");
            }
        }

        return archives.Count > 0 ? archives : throw new UsageException($"{option} {location}: '{file}' has no [HISTORY.name] section.");
    }

    private static CommandArchive FromInline(string spec)
    {
        var options = new CommandArchiveOptions();
        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? part[..equals].Trim() : part;
            var value = equals > 0 ? part[(equals + 1)..].Trim() : "";
            switch (key)
            {
                case "get": options.Get = value; break;
                case "put": options.Put = value; break;
                case "mkdir": options.Mkdir = value; break;
                case "name": options.Name = value; break;
                default: throw new FormatException($"'{part}' is not get=, put=, mkdir= or name= (the form is cmd:get=TEMPLATE;put=TEMPLATE;mkdir=TEMPLATE, or cmd:@stellar-core.cfg[#NAME])");
            }
        }

        return CommandArchive.Create(options);
    }
}
