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

    /// <summary>
    /// <see cref="Resolve"/> for a directory this library writes into (a work directory, a local target): also
    /// follows every symbolic link already on the path — a planted directory link, a file link — and refuses the path
    /// when it leads outside the root, so no write (nor read of our own copy) escapes it. The root itself may be a link.
    /// </summary>
    /// <exception cref="LocalPathEscapeException">A link on the path leads outside the root.</exception>
    public static string ResolveConfined(string root, string path)
    {
        var full = Resolve(root, path);
        string? realRoot = null;
        var current = root;
        foreach (var segment in path.Split('/'))
        {
            current = System.IO.Path.Combine(current, segment);
            var entry = new FileInfo(current);
            if (entry.LinkTarget is null)
            {
                if (!entry.Exists && !Directory.Exists(current))
                {
                    break; // nothing planted below a name that does not exist yet
                }

                continue;
            }

            realRoot ??= RealPath(root);
            var real = RealPath(current);
            if (!IsInside(real, realRoot))
            {
                throw new LocalPathEscapeException(current, real, root);
            }
        }

        return full;
    }

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(System.IO.Path.DirectorySeparatorChar) ? root : root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link on it followed (what the kernel would open); a bounded number of hops.</summary>
    private static string RealPath(string path)
    {
        const int MaxLinks = 40; // the kernel's own limit (ELOOP)
        var pending = new Stack<string>(System.IO.Path.GetFullPath(path).Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var resolved = System.IO.Path.GetPathRoot(System.IO.Path.GetFullPath(path))!;
        var links = 0;
        while (pending.TryPop(out var segment))
        {
            var candidate = System.IO.Path.Combine(resolved, segment);
            if (new FileInfo(candidate).LinkTarget is not { } target)
            {
                resolved = candidate;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new LocalPathEscapeException(path, candidate, resolved);
            }

            // The link's target replaces it: its segments are resolved in turn, from the root or from the link's directory.
            var absolute = System.IO.Path.GetFullPath(target, resolved);
            foreach (var part in absolute.Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(part);
            }

            resolved = System.IO.Path.GetPathRoot(absolute)!;
        }

        return resolved;
    }
}

/// <summary>
/// A path this library was about to write (or read back) under a local root leads outside it through a symbolic link
/// planted on the way: refused, naming the link. A local problem (<c>local-error</c>), never the archive's.
/// </summary>
internal sealed class LocalPathEscapeException : IOException
{
    public LocalPathEscapeException(string link, string resolvesTo, string root)
        : base($"{link} is a symbolic link leading outside {root} (to {resolvesTo}): refused, nothing is written outside the root")
    {
        Link = link;
        ResolvesTo = resolvesTo;
    }

    /// <summary>The symbolic link on the path.</summary>
    public string Link { get; }

    /// <summary>Where it leads.</summary>
    public string ResolvesTo { get; }
}
