using System.Diagnostics;
using PolicyKit.Tables.Files;

namespace PolicyKit.Tables.Tests;

/// <summary>Inputs are read as regular files of bounded size; anything else is refused before it can block or run away.</summary>
public sealed class BoundedFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pk-bounded-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void A_regular_file_within_the_bound_is_read_whole()
    {
        File.WriteAllBytes(PathOf("t"), [1, 2, 3]);
        Assert.True(BoundedFile.TryReadAllBytes(PathOf("t"), 3, out var bytes, out string error), error);
        Assert.Equal([1, 2, 3], bytes);
    }

    [Fact]
    public void A_file_over_the_bound_is_refused()
    {
        File.WriteAllBytes(PathOf("t"), new byte[1025]);
        Assert.False(BoundedFile.TryReadAllBytes(PathOf("t"), 1024, out _, out string error));
        Assert.Equal("larger than 1 KB, the most accepted here", error);
    }

    [Theory]
    [InlineData("/dev/zero", "not a regular file (a character device)")]
    [InlineData("/dev/null", "not a regular file (a character device)")]
    [InlineData("/", "not a regular file (a directory)")]
    [InlineData("", "an empty path")]
    [InlineData("a\0b", "the path holds a NUL character")]
    [InlineData("/no/such/file", "no such file")]
    public void Devices_directories_and_bad_paths_are_refused(string path, string expected)
    {
        Assert.False(BoundedFile.TryReadAllBytes(path, 1 << 20, out _, out string error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void A_symlink_to_dev_zero_is_refused()
    {
        File.CreateSymbolicLink(PathOf("link"), "/dev/zero");
        Assert.False(BoundedFile.TryReadAllBytes(PathOf("link"), 1 << 20, out _, out string error));
        Assert.Equal("not a regular file (a character device)", error);
    }

    [Fact]
    public async Task A_fifo_is_refused_without_waiting_for_a_writer()
    {
        using (var mkfifo = Process.Start("mkfifo", [PathOf("fifo")]))
        {
            Assert.True(mkfifo.WaitForExit(10_000) && mkfifo.ExitCode == 0, "mkfifo failed (install coreutils)");
        }
        var read = Task.Run(() => (Ok: BoundedFile.TryReadAllBytes(PathOf("fifo"), 1 << 20, out _, out string error), Error: error));
        Assert.True(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))) == read, "reading a FIFO blocked");
        var (ok, error) = await read;
        Assert.False(ok);
        Assert.Equal("not a regular file (a FIFO)", error);
    }
}
