namespace Stellar.HistoryWork;

/// <summary>
/// A stellar-core style command archive: the templates of a <c>[HISTORY.name]</c> section and how they are run.
/// Plain defaults; validated once when a <see cref="CommandArchive"/> is made.
/// </summary>
public sealed class CommandArchiveOptions
{
    /// <summary>The archive's name for logs and metric tags (the section's <c>name</c>); default <c>cmd</c>.</summary>
    public string Name { get; set; } = "cmd";

    /// <summary>
    /// Fetches a file: <c>{0}</c> is the archive-relative path, <c>{1}</c> the local file to write
    /// (e.g. <c>curl -sf http://history.example.org/{0} -o {1}</c>). Null: the archive cannot be read.
    /// </summary>
    public string? Get { get; set; }

    /// <summary>
    /// Uploads a file: <c>{0}</c> is the local file, <c>{1}</c> the archive-relative path
    /// (e.g. <c>aws s3 cp {0} s3://bucket/{1}</c>). Null: the archive cannot be written.
    /// </summary>
    public string? Put { get; set; }

    /// <summary>
    /// Makes a directory before a file is put in it: <c>{0}</c> is the archive-relative directory
    /// (e.g. <c>mkdir -p /srv/history/{0}</c>). Null: no directory is made (object stores need none).
    /// </summary>
    public string? Mkdir { get; set; }

    /// <summary>How long one command may run before it is killed (with its children) and counts as failed; default 10 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many commands of this archive run at once (the reference node's <c>MAX_CONCURRENT_SUBPROCESSES</c>); default 16.</summary>
    public int MaxConcurrentCommands { get; set; } = 16;

    /// <summary>How much of a failed command's standard error its error message keeps; default 4096 bytes.</summary>
    public int MaxErrorBytes { get; set; } = 4096;

    /// <summary>Where fetched files and bytes to put wait as local files; default: the system's temporary directory.</summary>
    public string? TemporaryDirectory { get; set; }

    /// <summary>The clock of the timeout.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name, nameof(Name));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxConcurrentCommands, nameof(MaxConcurrentCommands));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxErrorBytes, nameof(MaxErrorBytes));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (Get is null && Put is null)
        {
            throw new ArgumentException($"command archive '{Name}' has neither a get nor a put command");
        }

        if (Put is null && Mkdir is not null)
        {
            throw new ArgumentException($"command archive '{Name}' has a mkdir command but no put command");
        }
    }
}
