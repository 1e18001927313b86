using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Tests.Support;

namespace Stellar.HistoryWork.Cli.Tests.Archives;

public class RunDirectoryTests
{
    [Fact]
    public void Create_NoWorkDir_PrivateDirectoryOfThisRunRemovedAtTheEnd()
    {
        string path;
        using (var first = RunDirectory.Create(null))
        using (var second = RunDirectory.Create(null))
        {
            path = first.Path;
            Directory.Exists(path).Should().BeTrue();
            second.Path.Should().NotBe(path, "each run gets its own directory");
            if (!OperatingSystem.IsWindows())
            {
                File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.WriteAllText(System.IO.Path.Combine(path, "partial"), "x");
        }

        Directory.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void Create_WorkDirGiven_KeptForTheNextRun()
    {
        using var temp = new TempDirectory();
        var given = new DirectoryInfo(temp.Combine("work"));

        using (var run = RunDirectory.Create(given))
        {
            Directory.CreateDirectory(run.Path);
            run.Path.Should().Be(given.FullName);
        }

        Directory.Exists(given.FullName).Should().BeTrue();
    }
}
