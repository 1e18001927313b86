namespace Stellar.HistoryWork.Scheduling;

/// <summary>
/// Thrown by a work whose failure another attempt cannot fix (e.g. a verified hash mismatch from the
/// only archive): the scheduler marks the work <see cref="WorkState.Failed"/> without retrying.
/// </summary>
public class FatalWorkException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public FatalWorkException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public FatalWorkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public FatalWorkException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
