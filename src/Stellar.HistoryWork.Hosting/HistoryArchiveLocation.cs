namespace Stellar.HistoryWork.Hosting;

/// <summary>
/// Reads an archive's <see cref="HistoryArchiveOptions.Get"/>: a location as the command takes it, or a stellar-core
/// <c>get</c> command template whose <c>{0}</c> argument is the archive root followed by the file's path.
/// </summary>
internal static class HistoryArchiveLocation
{
    /// <summary>The archive root <paramref name="get"/> names, or null with <paramref name="error"/> saying why not.</summary>
    public static string? Resolve(string? get, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(get))
        {
            error = "'Get' is empty: give the archive's location (http(s)://…, a directory, a registered scheme) or a stellar-core get template";
            return null;
        }

        var text = get.Trim();
        if (!text.Contains("{0}", StringComparison.Ordinal) && !text.Contains("{1}", StringComparison.Ordinal))
        {
            return text;
        }

        // "curl -sf https://host/path/{0} -o {1}": the argument holding {0} is the root plus the file's path.
        var argument = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Trim('"', '\''))
            .FirstOrDefault(a => a.EndsWith("{0}", StringComparison.Ordinal));
        if (argument is null || argument.Length == 3)
        {
            error = $"'{text}' is a command template, but no argument ends with {{0}} after the archive's root";
            return null;
        }

        return argument[..^3];
    }

    /// <summary>The URI scheme of <paramref name="location"/> (lower case), or null for a plain path.</summary>
    public static string? SchemeOf(string location)
    {
        var end = location.IndexOf("://", StringComparison.Ordinal);
        return end > 0 ? location[..end].ToLowerInvariant() : null;
    }
}
