using System.Diagnostics;
using System.Text.Json;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Packaging;

/// <summary>
/// mpolc as a .NET tool, the way a user gets it: packed, installed from a local folder feed with
/// <c>dotnet tool install --tool-path</c>, and run as the command <c>mpolc</c>.
/// </summary>
public sealed class MpolcToolPackageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The configuration these tests were built in (bin/Release/… or bin/Debug/…): mpolc was built the same way.</summary>
    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    private static (int Code, string Out, string Err) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in 5 minutes");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    [Fact]
    public void Mpolc_packs_as_a_tool_installs_from_a_folder_feed_and_runs()
    {
        string feed = Path.Combine(_dir.Path, "feed");
        string tools = Path.Combine(_dir.Path, "tools");
        string project = Path.Combine(RepoPaths.Root, "compiler", "mpolc", "mpolc.csproj");

        var pack = Run("dotnet", "pack", project, "-c", Configuration, "--no-build", "-o", feed, "-nologo");
        Assert.True(pack.Code == 0, $"dotnet pack: {pack.Out}\n{pack.Err}");
        string package = Assert.Single(Directory.GetFiles(feed, "PolicyKit.Mpolc.*.nupkg"));

        var install = Run("dotnet", "tool", "install", "PolicyKit.Mpolc", "--tool-path", tools, "--add-source", feed, "--ignore-failed-sources");
        Assert.True(install.Code == 0, $"dotnet tool install: {install.Out}\n{install.Err}");

        string mpolc = Path.Combine(tools, "mpolc");
        var version = Run(mpolc, "--version");
        Assert.True(version.Code == 0, version.Err);
        Assert.StartsWith("mpolc 0.", version.Out, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileNameWithoutExtension(package)["PolicyKit.Mpolc.".Length..], version.Out, StringComparison.Ordinal);

        var check = Run(mpolc, "check", Path.Combine(RepoPaths.Examples, "broadband-edge.mpol"), "--today", "2026-11-23");
        Assert.True(check.Code == 0, $"{check.Out}\n{check.Err}");

        // The installed tool's SARIF help links lead to the docs it carries.
        string broken = Path.Combine(_dir.Path, "broken.mpol");
        File.WriteAllText(broken, "groups x { 232.0.0.0/8 }\n");
        var sarif = Run(mpolc, "check", "--format", "sarif", broken);
        Assert.True(sarif.Code == 1, sarif.Err);
        using var document = JsonDocument.Parse(sarif.Out);
        var rule = document.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules")[0];
        var help = new Uri(rule.GetProperty("helpUri").GetString()!);
        Assert.True(help.IsFile && help.LocalPath.StartsWith(tools, StringComparison.Ordinal) && File.Exists(help.LocalPath), help.ToString());

        // The license travels with the package.
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        Assert.Contains(zip.Entries, e => e.FullName == "LICENSE");
    }
}
