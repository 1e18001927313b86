namespace Stellar.HistoryWork.Scheduling;

/// <summary>
/// Thrown by a work whose failure another attempt cannot fix (e.g. a verified hash mismatch from the
/// only archive): the scheduler marks the work <see cref="WorkState.Failed"/> without retrying.
/// </summary>
public class FatalWorkException : Exception
{
    public FatalWorkException()
    {
    }

    public FatalWorkException(string message)
        : base(message)
    {
    }

    public FatalWorkException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
