using Microsoft.Extensions.Time.Testing;
using Stellar.HistoryWork.Tests.Support;

namespace Stellar.HistoryWork.Tests.IO;

/// <summary>
/// Issue 10 rows 6 and 10, issue 12 defect 2: a run's private directory is its own (0700, locked while it lives), a
/// killed or interrupted run's is swept — or resumed by the same work — and a live run's is never touched.
/// </summary>
public class PrivateWorkDirectoryTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void Create_TwoRunsAtOnceAndAStaleLeftover_TheLeftoverIsSweptTheLiveRunUntouched()
    {
        using var parent = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var leftover = KilledRunLeftover(parent.Path, key: null);

        using var live = PrivateWorkDirectory.Create(parent.Path, null, time);
        File.WriteAllText(Path.Combine(live.Path, "verified"), "x");
        Directory.Exists(leftover).Should().BeFalse("nobody holds the leftover's lock: its run is gone");

        using var second = PrivateWorkDirectory.Create(parent.Path, null, time);
        second.Path.Should().NotBe(live.Path);
        File.Exists(Path.Combine(live.Path, "verified")).Should().BeTrue("a live run's directory is locked");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(second.Path).Should().Be(Private);
        }
    }

    [Fact]
    public void Create_SameKeyAfterAnInterruptedRun_ResumesItsDirectoryWithWhatItKept()
    {
        using var parent = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string first;
        using (var interrupted = PrivateWorkDirectory.Create(parent.Path, "mirror a b", time))
        {
            first = interrupted.Path;
            File.WriteAllText(Path.Combine(first, "verified"), "x");
        }

        Directory.Exists(first).Should().BeTrue("an interrupted run with a resume key keeps what it verified");
        using (var other = PrivateWorkDirectory.Create(parent.Path, "mirror a c", time))
        {
            other.Resumed.Should().BeFalse();
            other.Path.Should().NotBe(first);
        }

        using (var rerun = PrivateWorkDirectory.Create(parent.Path, "mirror a b", time))
        {
            rerun.Resumed.Should().BeTrue();
            rerun.Path.Should().Be(first);
            File.Exists(Path.Combine(first, "verified")).Should().BeTrue();
            using var concurrent = PrivateWorkDirectory.Create(parent.Path, "mirror a b", time);
            concurrent.Path.Should().NotBe(first, "the same work running at once gets its own directory");
            concurrent.Resumed.Should().BeFalse();
            rerun.Complete();
        }

        Directory.Exists(first).Should().BeFalse("a finished run leaves nothing to resume");
    }

    [Fact]
    public void Create_InterruptedRunNotResumedForAWeek_IsSwept()
    {
        using var parent = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var old = KilledRunLeftover(parent.Path, key: "0123");

        using (PrivateWorkDirectory.Create(parent.Path, null, time))
        {
            Directory.Exists(old).Should().BeTrue("it waits for its rerun");
        }

        time.Advance(PrivateWorkDirectory.KeptForResume + TimeSpan.FromMinutes(1));
        using (PrivateWorkDirectory.Create(parent.Path, null, time))
        {
            Directory.Exists(old).Should().BeFalse();
        }
    }

    [Fact]
    public void Create_DirectoriesThatAreNotOurs_AreNeverTouched()
    {
        using var parent = new TempDirectory();
        var noLock = Directory.CreateDirectory(Path.Combine(parent.Path, PrivateWorkDirectory.Prefix + "nolock")).FullName;
        var target = Directory.CreateDirectory(Path.Combine(parent.Path, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(target, PrivateWorkDirectory.LockFileName), "\n");
        var link = Path.Combine(parent.Path, PrivateWorkDirectory.Prefix + "link");
        Directory.CreateSymbolicLink(link, target);
        var open = KilledRunLeftover(parent.Path, key: null);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(open, Private | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        using (PrivateWorkDirectory.Create(parent.Path, null, TimeProvider.System))
        {
        }

        Directory.Exists(noLock).Should().BeTrue();
        File.Exists(Path.Combine(target, PrivateWorkDirectory.LockFileName)).Should().BeTrue("a link is never followed");
        if (!OperatingSystem.IsWindows())
        {
            Directory.Exists(open).Should().BeTrue("a directory others may enter is not one of ours");
        }
    }

    [Fact]
    public void ForThisProcess_DefaultWorkDirectory_IsPrivateAndNotAFixedSharedPath()
    {
        var path = new HistoryWorkOptions().ResolveWorkDirectory();

        path.Should().Be(PrivateWorkDirectory.ForThisProcess.Path);
        Path.GetFileName(path).Should().StartWith(PrivateWorkDirectory.Prefix).And.NotBe(PrivateWorkDirectory.Prefix);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).Should().Be(Private);
        }

        using var other = PrivateWorkDirectory.Create();
        Directory.Exists(path).Should().BeTrue("this process holds its lock");
    }

    /// <summary>What a run killed mid-way leaves: its directory and its lock file, no longer locked.</summary>
    private static string KilledRunLeftover(string parent, string? key)
    {
        var path = Path.Combine(parent, PrivateWorkDirectory.Prefix + Guid.NewGuid().ToString("N")[..6]);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, Private);
        }

        File.WriteAllText(Path.Combine(path, PrivateWorkDirectory.LockFileName), (key ?? string.Empty) + "\n");
        File.WriteAllText(Path.Combine(path, "bucket.xdr.gz"), "x");
        return path;
    }
}
