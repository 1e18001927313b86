namespace Stellar.HistoryWork.Cli.Progress;

/// <summary>One bar: a stage or task with its counters.</summary>
/// <param name="Description">What the bar shows beside it, e.g. <c>buckets 3/10 (30%)</c>.</param>
/// <param name="Done">Items done.</param>
/// <param name="Total">Items known so far; 0 while not sized.</param>
/// <param name="Finished">True once the stage ended (bars then fill).</param>
internal sealed record ProgressItem(string Description, long Done, long Total, bool Finished);

/// <summary>What a running verb reports: bars for a terminal, a line for logs.</summary>
/// <param name="Items">One entry per bar.</param>
/// <param name="Line">The one-line form for redirected output (the library's progress message).</param>
/// <param name="Footer">Totals under the bars, e.g. bytes and rate.</param>
internal sealed record ProgressSnapshot(IReadOnlyList<ProgressItem> Items, string Line, string Footer)
{
    public static ProgressSnapshot Empty { get; } = new([], string.Empty, string.Empty);

    /// <summary>
    /// This snapshot with the pool's retries and the archives it avoids now appended to the line and the
    /// footer (e.g. <c>3 retries, avoiding sdf2</c>); unchanged while nothing was retried or avoided.
    /// </summary>
    public ProgressSnapshot WithRetries(ArchivePool archives)
    {
        ArgumentNullException.ThrowIfNull(archives);
        var retries = archives.Retries;
        var avoided = archives.Archives.Count > 1 ? archives.AvoidedArchives() : [];
        if (retries == 0 && avoided.Count == 0)
        {
            return this;
        }

        var text = Reporting.RetryCount.Describe(retries);
        if (avoided.Count > 0)
        {
            text += ", avoiding " + string.Join(", ", avoided.Select(a => a.Name));
        }

        return this with
        {
            Line = Line.Length == 0 ? text : Line + "; " + text,
            Footer = Footer.Length == 0 ? text : Footer + ", " + text,
        };
    }

    /// <summary>The download stages of a <see cref="HistoryWorkProgress"/>.</summary>
    public static ProgressSnapshot From(HistoryWorkProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var items = progress.Stages
            .Select(s => new ProgressItem(s.ToString(), s.Done, s.Total, s.Status is StageStatus.Succeeded or StageStatus.Failed))
            .ToArray();
        var footer = $"{ByteFormat.Size(progress.Bytes)} at {ByteFormat.Rate(progress.BytesPerSecond)}";
        return new ProgressSnapshot(items, progress.Message, footer);
    }
}
