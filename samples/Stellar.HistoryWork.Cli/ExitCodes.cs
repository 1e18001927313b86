using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli;

/// <summary>The command's exit codes (DESIGN.md §3).</summary>
internal static class ExitCodes
{
    /// <summary>Everything verified, every work succeeded.</summary>
    public const int Ok = 0;

    /// <summary>Verification problems or failed work.</summary>
    public const int Problems = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>Could not finish: an archive was unreachable (worth retrying later).</summary>
    public const int Unreachable = 3;

    /// <summary>
    /// Could not finish because this machine failed at its own files: disk full, quota, read-only file system,
    /// permission denied (<c>local-error</c> problems). Not the archive's doing: fix the machine and run again.
    /// </summary>
    public const int LocalError = 4;

    /// <summary>
    /// The exit code of a run that did not succeed, from the kinds of its problems: <see cref="Problems"/> when any is
    /// about the data (1 wins), else <see cref="LocalError"/> when any is <c>local-error</c> (this machine's disk or
    /// permissions), else <see cref="Unreachable"/> when every problem is <c>unreachable</c> (retrying later may succeed).
    /// </summary>
    public static int ForFailure(IEnumerable<string> problemKinds)
    {
        ArgumentNullException.ThrowIfNull(problemKinds);
        var any = false;
        var local = false;
        foreach (var kind in problemKinds)
        {
            if (kind == ProblemKind.LocalError.ToJsonName())
            {
                local = true;
            }
            else if (kind != ProblemKind.Unreachable.ToJsonName())
            {
                return Problems;
            }

            any = true;
        }

        return local ? LocalError : any ? Unreachable : Problems;
    }

    /// <summary>Whether the library classifies <paramref name="error"/> as this machine failing at its own files (its one rule).</summary>
    public static bool IsLocalError(Exception error) =>
        VerificationProblem.FromException(error, "-") is [{ Kind: ProblemKind.LocalError }, ..];

    /// <summary>Stopped by Ctrl-C (128 + SIGINT, as shells report it) or SIGTERM; what was kept is said on standard error.</summary>
    public const int Cancelled = 130;
}

/// <summary>A command line that parses but makes no sense (a bad hash, a missing file); exits 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The input is bad (a corrupt file, an archive that does not verify); exits 1 with the message.</summary>
internal sealed class ProblemException : Exception
{
    public ProblemException()
    {
    }

    public ProblemException(string message)
        : base(message)
    {
    }

    public ProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An archive could not be reached (connection refused, endpoint down); worth retrying later, exits 3.</summary>
internal sealed class ArchiveUnreachableException : Exception
{
    public ArchiveUnreachableException()
    {
    }

    public ArchiveUnreachableException(string message)
        : base(message)
    {
    }

    public ArchiveUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>This machine failed at a file of its own (disk full, read-only, no permission); exits 4 with the message.</summary>
internal sealed class LocalErrorException : Exception
{
    public LocalErrorException()
    {
    }

    public LocalErrorException(string message)
        : base(message)
    {
    }

    public LocalErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
