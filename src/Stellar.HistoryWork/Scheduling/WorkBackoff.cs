namespace Stellar.HistoryWork.Scheduling;

/// <summary>
/// The reference node's retry delay (ARCHIVE-FORMAT.md §6): before retry n (n = retries done so far),
/// wait a whole number of seconds drawn uniformly from [lower, upper], where upper = 2^min(9, n) and
/// lower = 1 if upper &lt; 2 else upper / 2 + 1 — i.e. 1, 2, 3–4, 5–8, …, 257–512 s.
/// </summary>
public static class WorkBackoff
{
    private const int MaxExponent = 9;

    /// <summary>The delay before the retry that follows <paramref name="retriesDone"/> retries, with jitter from <see cref="Random.Shared"/>.</summary>
    public static TimeSpan ReferenceDelay(int retriesDone) => ReferenceDelay(retriesDone, Random.Shared);

    /// <summary>As <see cref="ReferenceDelay(int)"/>, drawing the jitter from <paramref name="random"/>.</summary>
    public static TimeSpan ReferenceDelay(int retriesDone, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var lower = LowerSeconds(retriesDone);
        var upper = UpperSeconds(retriesDone);
        return TimeSpan.FromSeconds(random.NextInt64(lower, upper + 1));
    }

    /// <summary>The shortest delay <see cref="ReferenceDelay(int)"/> returns for <paramref name="retriesDone"/>.</summary>
    public static TimeSpan LowerBound(int retriesDone) => TimeSpan.FromSeconds(LowerSeconds(retriesDone));

    /// <summary>The longest delay <see cref="ReferenceDelay(int)"/> returns for <paramref name="retriesDone"/>.</summary>
    public static TimeSpan UpperBound(int retriesDone) => TimeSpan.FromSeconds(UpperSeconds(retriesDone));

    private static long UpperSeconds(int retriesDone)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retriesDone);
        return 1L << Math.Min(MaxExponent, retriesDone);
    }

    private static long LowerSeconds(int retriesDone)
    {
        var upper = UpperSeconds(retriesDone);
        return upper < 2 ? 1 : (upper / 2) + 1;
    }
}
