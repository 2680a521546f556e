namespace PolicyKit.Bmp.Tests.Support;

/// <summary>
/// The raw BMP streams recorded from real routers (FRR, GoBGP) under <c>Recordings/</c>: the
/// decoder, tshark and fuzz tests run on them. The live tests record what they receive; set
/// <c>BMP_RECORD_TO</c> to a directory to keep those recordings (that is how the committed ones were made).
/// </summary>
internal static class Recordings
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Recordings");

    public static string PathOf(string name)
    {
        string path = Path.Combine(Directory, name);
        Assert.True(File.Exists(path), $"recording {name} is missing from {Directory}");
        return path;
    }

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    public static IEnumerable<string> All() => System.IO.Directory.GetFiles(Directory, "*.bmp").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>Copies the session recordings of a live test to <c>$BMP_RECORD_TO</c> as NAME.bmp (NAME-2.bmp…), if that is set.</summary>
    public static void Keep(string recorded, string name)
    {
        string? target = Environment.GetEnvironmentVariable("BMP_RECORD_TO");
        if (string.IsNullOrEmpty(target) || !System.IO.Directory.Exists(recorded)) return;
        System.IO.Directory.CreateDirectory(target);
        int n = 0;
        foreach (var file in System.IO.Directory.GetFiles(recorded, "*.bmp").Order(StringComparer.Ordinal))
        {
            n++;
            File.Copy(file, Path.Combine(target, n == 1 ? $"{name}.bmp" : $"{name}-{n}.bmp"), overwrite: true);
        }
    }
}
