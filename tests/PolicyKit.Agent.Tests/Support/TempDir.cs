namespace PolicyKit.Agent.Tests.Support;

/// <summary>A folder of its own per test, removed afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "pk-agent")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
