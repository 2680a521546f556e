using System.Globalization;

namespace PolicyKit.Telemetry;

/// <summary>The MQTT protocol version spoken to one broker.</summary>
public enum MqttProtocol
{
    /// <summary>MQTT 5.0: reason codes, maximum packet size, receive maximum, DISCONNECT with Will.</summary>
    V5,

    /// <summary>MQTT 3.1.1: what NATS server's and RabbitMQ's MQTT listeners speak.</summary>
    V311,
}

/// <summary>
/// One broker to publish to: host, port and protocol version. Written <c>HOST:PORT</c> or
/// <c>HOST:PORT/3.1.1</c> (or <c>/5</c>); an IPv6 address in brackets (<c>[::1]:1883</c>).
/// </summary>
public sealed record MqttBrokerAddress(string Host, int Port, MqttProtocol Protocol = MqttProtocol.V5)
{
    /// <summary>"HOST:PORT" as it is shown in logs and errors (IPv6 in brackets).</summary>
    public string Endpoint => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public override string ToString() => Protocol == MqttProtocol.V311 ? Endpoint + "/3.1.1" : Endpoint;

    /// <summary>The protocol's name as written in the configuration ("5" or "3.1.1").</summary>
    public static string Name(MqttProtocol protocol) => protocol == MqttProtocol.V311 ? "3.1.1" : "5";

    /// <summary>"5", "5.0", "3.1.1" (also "v5", "v3.1.1"); false for anything else.</summary>
    public static bool TryParseProtocol(string text, out MqttProtocol protocol)
    {
        switch (text.Trim().TrimStart('v', 'V'))
        {
            case "5" or "5.0":
                protocol = MqttProtocol.V5;
                return true;
            case "3.1.1" or "311" or "4":
                protocol = MqttProtocol.V311;
                return true;
            default:
                protocol = MqttProtocol.V5;
                return false;
        }
    }

    /// <summary>Parses <c>HOST:PORT[/PROTOCOL]</c>; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParse(string text, MqttProtocol defaultProtocol, out MqttBrokerAddress address, out string error)
    {
        address = new MqttBrokerAddress("127.0.0.1", 1883, defaultProtocol);
        error = string.Empty;
        text = text.Trim();
        var protocol = defaultProtocol;
        int slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            if (!TryParseProtocol(text[(slash + 1)..], out protocol))
            {
                error = $"\"{text}\": unknown protocol \"{text[(slash + 1)..]}\" (expected 5 or 3.1.1)";
                return false;
            }
            text = text[..slash];
        }
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error = $"\"{text}\": expected HOST:PORT (a port 1..65535), optionally /3.1.1 or /5";
            return false;
        }
        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':'))
        {
            error = $"\"{text}\": write an IPv6 address in brackets, [ADDRESS]:PORT";
            return false;
        }
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '@' or ','))
        {
            error = $"\"{text}\": not a host name or address";
            return false;
        }
        address = new MqttBrokerAddress(host, port, protocol);
        return true;
    }
}
