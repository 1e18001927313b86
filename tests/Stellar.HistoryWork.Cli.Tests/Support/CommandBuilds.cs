namespace Stellar.HistoryWork.Cli.Tests.Support;

/// <summary>
/// Tests that pack or publish the command's project for linux-x64 (the tool package, the container's publish step):
/// they share its obj/Release/net10.0/linux-x64 directory, so they run one at a time — run together, ReadyToRun
/// compilation of one found the other's stellar-history.dll open.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CommandBuilds
{
    /// <summary>The collection's name.</summary>
    public const string Name = "builds of the command's project";
}
