namespace PolicyKit.Packets.Tests.Support;

public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("pk-packets-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
