using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PolicyKit.Testing;

/// <summary>
/// A real mosquitto (Debian package <c>mosquitto</c>) for one test: its own temp directory and
/// config, a free 127.0.0.1 port, no persistence, started and killed by PID. Self-contained
/// (BCL only) so other test projects can link this one file.
/// <code>
/// using var broker = new MosquittoBroker();
/// broker.Start();                                // or Start("allow_anonymous false\npassword_file " + path)
/// ... connect to broker.Host:broker.Port ...
/// broker.Kill(); broker.Start();                 // or Restart(): same port, same config
/// </code>
/// mosquitto started as root drops to user <c>mosquitto</c> unless the config says
/// <c>user root</c>; this fixture says so, which keeps its temp dir and key files private (0700/0600).
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    public const string Executable = "/usr/sbin/mosquitto";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private Process? _process;
    private string? _extraConfig;
    private readonly bool _logEveryPacket;

    /// <param name="logEveryPacket">
    /// log_type all (every packet, for failure messages; the tests' default), or mosquitto's
    /// default logging: a benchmark must not measure the broker writing a line per PUBLISH.
    /// </param>
    public MosquittoBroker(bool logEveryPacket = true)
    {
        _logEveryPacket = logEveryPacket;
        RequireInstalled();
        Directory = Path.Combine(Path.GetTempPath(), $"mosquitto-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Port = FreePort();
    }

    /// <summary>The broker's private directory: config, log, and any files the test writes with <see cref="WriteFile"/>.</summary>
    public string Directory { get; }

    public string Host => "127.0.0.1";

    /// <summary>The listener's port; kept across <see cref="Restart"/>.</summary>
    public int Port { get; private set; }

    public string ConfigFile => Path.Combine(Directory, "mosquitto.conf");
    public string LogFile => Path.Combine(Directory, "mosquitto.log");
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Fails with the Debian package to install when mosquitto is absent.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} not found: install the Debian package 'mosquitto' (apt-get install -y mosquitto)");
    }

    /// <summary>mosquitto 2.0's password-file entry ($7$: PBKDF2-SHA512, 101 iterations, 12-byte salt), as mosquitto_passwd writes it.</summary>
    public static string PasswordHash(string password)
    {
        byte[] salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(12);
        byte[] hash = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 101, System.Security.Cryptography.HashAlgorithmName.SHA512, 64);
        return $"$7$101${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Writes a file (mode 0600) into <see cref="Directory"/> and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>
    /// Starts mosquitto and waits (bounded) until it accepts TCP connections.
    /// <paramref name="extraConfig"/> goes right after the <c>listener</c> line, so per-listener
    /// options (cafile, certfile, keyfile, require_certificate) apply to it; when null, the config
    /// of the previous start is reused, and the first start allows anonymous clients.
    /// </summary>
    public void Start(string? extraConfig = null)
    {
        if (IsRunning) throw new InvalidOperationException("mosquitto is already running");
        _extraConfig = extraConfig ?? _extraConfig ?? "allow_anonymous true";
        bool firstStart = !File.Exists(ConfigFile);
        for (int attempt = 1; ; attempt++)
        {
            WriteConfig();
            try
            {
                Launch();
                return;
            }
            catch (PortTakenException) when (firstStart && attempt < 3)
            {
                // Another test took the port between our probe and mosquitto's bind: pick another.
                Port = FreePort();
            }
        }
    }

    /// <summary>Kills mosquitto abruptly (SIGKILL) and waits for it to exit; nothing is saved.</summary>
    public void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { /* already gone */ }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Kills mosquitto and starts it again on the same port with the same config.</summary>
    public void Restart()
    {
        Kill();
        Start();
    }

    /// <summary>The broker's log so far (for failure messages).</summary>
    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public void Dispose()
    {
        Kill();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void WriteConfig()
    {
        var config = new StringBuilder()
            .AppendLine("user root")
            .AppendLine("persistence false")
            .AppendLine($"pid_file {Path.Combine(Directory, "mosquitto.pid")}")
            .AppendLine($"log_dest file {LogFile}")
            .AppendLine(_logEveryPacket ? "log_type all" : "log_type error\nlog_type warning\nlog_type notice")
            .AppendLine("per_listener_settings false")
            .AppendLine($"listener {Port} {Host}")
            .AppendLine(_extraConfig);
        WriteFile("mosquitto.conf", config.ToString());
    }

    private void Launch()
    {
        long logStart = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
        var info = new ProcessStartInfo(Executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ConfigFile);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + Executable);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                string log = NewLog(logStart);
                _process = null;
                process.Dispose();
                if (log.Contains("Address already in use", StringComparison.Ordinal)) throw new PortTakenException();
                throw new InvalidOperationException($"mosquitto exited at start (code {process.ExitCode}); log: {Tail(log)}");
            }
            if (Accepts()) return;
            Thread.Sleep(50);
        }
        Kill();
        throw new TimeoutException($"mosquitto did not accept connections on {Host}:{Port} within {StartTimeout.TotalSeconds} s; log: {Tail(NewLog(logStart))}");
    }

    private bool Accepts()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(IPAddress.Parse(Host), Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string NewLog(long from)
    {
        if (!File.Exists(LogFile)) return "";
        using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        return new StreamReader(stream).ReadToEnd();
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    /// <summary>A free TCP port on 127.0.0.1 (bound to port 0, then released).</summary>
    public static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    private sealed class PortTakenException : Exception;
}
