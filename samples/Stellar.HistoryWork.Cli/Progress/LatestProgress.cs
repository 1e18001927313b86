namespace Stellar.HistoryWork.Cli.Progress;

/// <summary>
/// Keeps only the newest report. Unlike <see cref="Progress{T}"/> it posts nothing to a synchronization
/// context: the display polls it at its own pace.
/// </summary>
internal sealed class LatestProgress<T> : IProgress<T>
    where T : class
{
    private T? _latest;

    public T? Latest => Volatile.Read(ref _latest);

    public void Report(T value) => Volatile.Write(ref _latest, value);
}
