namespace Stellar.HistoryWork.Scheduling;

/// <summary>
/// The reference node's retry counts (ARCHIVE-FORMAT.md §6). A work with N retries makes at most N + 1 attempts.
/// </summary>
public static class WorkRetries
{
    public const int Never = 0;
    public const int Once = 1;
    public const int AFew = 5;
    public const int ALot = 32;
}
