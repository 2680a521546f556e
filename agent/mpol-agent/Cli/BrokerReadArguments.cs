using System.CommandLine;
using PolicyKit.Telemetry.Fleet;

// Compiled into both CLIs (mpolc links this file): command-line options belong to the CLIs, not
// to the telemetry library, which keeps only the reader they configure.
namespace PolicyKit.FleetCli;

/// <summary>
/// The command-line options of a reader of the fleet's topics, the same in both CLIs
/// (<c>mpol-agent status --mqtt</c>, <c>mpolc drift --mqtt</c>): the broker, TLS (CA, client
/// certificate and key, server name) and credentials. There is no password option: a command
/// line is visible to every user of the machine, so the password comes from
/// <c>--password-file</c> or <see cref="BrokerReadOptions.PasswordVariable"/>.
/// </summary>
internal sealed class BrokerReadArguments
{
    public BrokerReadArguments(string brokerDescription, bool brokerRequired)
    {
        Broker = new Option<string?>("--mqtt") { Description = brokerDescription, HelpName = "HOST[:PORT][/3.1.1]", Required = brokerRequired };
    }

    public Option<string?> Broker { get; }

    public Option<string?> CaFile { get; } = new("--ca-file") { Description = "TLS to the broker: PEM CA certificate(s) its certificate must chain to (port 8883 unless given)", HelpName = "FILE" };

    public Option<string?> CertFile { get; } = new("--cert-file") { Description = "PEM client certificate, for a broker that requires one (with --key-file)", HelpName = "FILE" };

    public Option<string?> KeyFile { get; } = new("--key-file") { Description = "PEM private key of --cert-file", HelpName = "FILE" };

    public Option<string?> ServerName { get; } = new("--server-name") { Description = "the name the broker's certificate must carry (default: the host)", HelpName = "NAME" };

    public Option<string?> Username { get; } = new("--username") { Description = $"user name for the broker; the password comes from --password-file or ${BrokerReadOptions.PasswordVariable}", HelpName = "NAME" };

    public Option<string?> PasswordFile { get; } = new("--password-file") { Description = "file whose first line is the broker password (never give a password on the command line)", HelpName = "FILE" };

    public Option<double> Timeout { get; } = new("--timeout") { Description = "seconds to wait for the broker and its retained topics (default 5)", HelpName = "SECONDS", DefaultValueFactory = _ => 5, CustomParser = ParseSeconds };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Broker, CaFile, CertFile, KeyFile, ServerName, Username, PasswordFile, Timeout }) command.Add(option);
    }

    /// <summary>The options given, or null with <paramref name="errors"/> (one line each) when they do not make a connection.</summary>
    public BrokerReadOptions? Read(ParseResult parse, Func<string, string?> environment, out List<string> errors)
    {
        var options = BrokerReadOptions.FromArguments(parse.GetValue(Broker) ?? "", parse.GetValue(CaFile), parse.GetValue(CertFile), parse.GetValue(KeyFile),
            parse.GetValue(ServerName), parse.GetValue(Username), parse.GetValue(PasswordFile), environment, out errors);
        return errors.Count > 0 ? null : options! with { Timeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)) };
    }

    // The built-in parser's error names the CLR type (System.Double).
    private static double ParseSeconds(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "5";
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
            && double.IsFinite(seconds) && seconds > 0 && seconds <= 600)
        {
            return seconds;
        }
        result.AddError($"invalid value '{text}' for --timeout: expected a number of seconds greater than 0, at most 600 (e.g. 5)");
        return 5;
    }
}
