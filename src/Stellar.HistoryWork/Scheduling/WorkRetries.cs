namespace Stellar.HistoryWork.Scheduling;

/// <summary>
/// The reference node's retry counts (ARCHIVE-FORMAT.md §6). A work with N retries makes at most N + 1 attempts.
/// </summary>
public static class WorkRetries
{
    /// <summary>No retry: one attempt.</summary>
    public const int Never = 0;
    /// <summary>One retry: two attempts.</summary>
    public const int Once = 1;
    /// <summary>The reference node's <c>RETRY_A_FEW</c>: 5 retries.</summary>
    public const int AFew = 5;
    /// <summary>The reference node's <c>RETRY_A_LOT</c>: 32 retries.</summary>
    public const int ALot = 32;
}
