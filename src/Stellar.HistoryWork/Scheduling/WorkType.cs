using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.Scheduling;

/// <summary>One type of work: its name, logger and metric tag, shared by every work of that type.</summary>
internal sealed class WorkType(string name, ILogger logger)
{
    public string Name { get; } = name;

    public ILogger Logger { get; } = logger;

    public KeyValuePair<string, object?> Tag { get; } = new(HistoryWorkTelemetry.Tags.WorkType, name);
}
