namespace Stellar.HistoryWork;

/// <summary>Archive-relative paths are checked in one place so that no path escapes an archive root.</summary>
internal static class ArchivePathGuard
{
    /// <exception cref="ArgumentException">Empty, absolute, with '\', ':', empty, '.' or '..' segments.</exception>
    public static string Validate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] == '/' || path.Contains('\\', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not a relative archive path ('/'-separated, no drive, no backslash).", nameof(path));
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ArgumentException($"'{path}' has an empty, '.' or '..' segment.", nameof(path));
            }
        }

        return path;
    }

    /// <summary>The full local path of <paramref name="path"/> under <paramref name="root"/>, checked to stay inside it.</summary>
    public static string Resolve(string root, string path)
    {
        Validate(path);
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, path));
        var rootWithSeparator = root.EndsWith(System.IO.Path.DirectorySeparatorChar) ? root : root + System.IO.Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' escapes the archive root.", nameof(path));
        }

        return full;
    }
}
