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
}
