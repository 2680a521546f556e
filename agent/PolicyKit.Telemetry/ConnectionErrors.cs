using System.Net.Sockets;
using System.Security.Authentication;
using MQTTnet;
using MQTTnet.Exceptions;

namespace PolicyKit.Telemetry;

/// <summary>
/// Turns what went wrong while talking to the broker into one line a person can act on
/// ("connection refused by 127.0.0.1:1883", "broker refused: bad user name or password",
/// "TLS: the broker's certificate … is not signed by the CA in ca_file …"). Never includes a
/// password: the publisher redacts every text it keeps or logs.
/// </summary>
internal static class ConnectionErrors
{
    public static string Refused(MqttClientConnectResult result, bool credentialsSent)
    {
        string why = result.ResultCode switch
        {
            MqttClientConnectResultCode.BadUserNameOrPassword => "bad user name or password",
            // mosquitto answers a wrong password with "not authorized" (0x87), not 0x86.
            MqttClientConnectResultCode.NotAuthorized => credentialsSent ? "not authorized (wrong user name or password, or this user may not connect)" : "not authorized (the broker may require a user name and password)",
            MqttClientConnectResultCode.ClientIdentifierNotValid => "client id not accepted",
            MqttClientConnectResultCode.Banned => "this client is banned",
            MqttClientConnectResultCode.ServerUnavailable => "server unavailable",
            MqttClientConnectResultCode.ServerBusy => "server busy",
            MqttClientConnectResultCode.UnsupportedProtocolVersion => "MQTT 5 not supported",
            MqttClientConnectResultCode.QuotaExceeded => "quota exceeded",
            MqttClientConnectResultCode.ConnectionRateExceeded => "connection rate exceeded",
            MqttClientConnectResultCode.UseAnotherServer or MqttClientConnectResultCode.ServerMoved =>
                "use another server" + (string.IsNullOrEmpty(result.ServerReference) ? "" : " (" + result.ServerReference + ")"),
            var code => code.ToString(),
        };
        return "broker refused: " + why + (string.IsNullOrWhiteSpace(result.ReasonString) ? "" : " (" + OneLine(result.ReasonString) + ")");
    }

    /// <summary>
    /// Describes a failure to connect or a lost connection. <c>tlsFailure</c> is the certificate
    /// validator's reason when it refused the broker (the handshake exception itself says only
    /// "the remote certificate was rejected").
    /// </summary>
    public static string Describe(Exception error, string endpoint, bool tls, string? clientCertFile, string? tlsFailure)
    {
        if (error is TelemetryConfigurationException) return error.Message;
        if (tlsFailure is not null) return "TLS: " + tlsFailure;

        var chain = Chain(error).ToList();
        if (chain.OfType<AuthenticationException>().FirstOrDefault() is { } auth)
        {
            // An alert from the broker during the handshake is most often about our certificate.
            string detail = Innermost(auth);
            string hint = !detail.Contains("alert", StringComparison.OrdinalIgnoreCase) ? ""
                : clientCertFile is null ? "; the broker may require a client certificate (cert_file/key_file are not set)"
                : $"; the broker may not accept the client certificate in cert_file {clientCertFile}";
            return $"TLS: handshake with {endpoint} failed: {detail}{hint}";
        }

        if (chain.OfType<SocketException>().FirstOrDefault() is { } socket)
        {
            switch (socket.SocketErrorCode)
            {
                case SocketError.ConnectionRefused: return $"connection refused by {endpoint}";
                case SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData: return $"cannot resolve the host of {endpoint}";
                case SocketError.TimedOut: return $"connecting to {endpoint} timed out";
                case SocketError.NetworkUnreachable or SocketError.HostUnreachable: return $"{endpoint} is unreachable";
                case SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.NotConnected:
                    return ClosedByBroker(endpoint, tls, clientCertFile);
                default: return $"cannot connect to {endpoint}: {OneLine(socket.Message)}";
            }
        }
        if (chain.Any(e => e is MqttCommunicationTimedOutException or OperationCanceledException or TimeoutException))
            return $"no answer from {endpoint} in time";
        if (chain.Any(e => e is IOException or EndOfStreamException) || error is MqttCommunicationException)
            return ClosedByBroker(endpoint, tls, clientCertFile);
        return $"cannot connect to {endpoint}: {Innermost(error)}";
    }

    // A broker that does not like a TLS client (no certificate, wrong CA) often just closes the
    // connection after the handshake (TLS 1.3 sends its verdict late), so say what to check.
    private static string ClosedByBroker(string endpoint, bool tls, string? clientCertFile) =>
        !tls ? $"the connection to {endpoint} was closed by the broker"
        : clientCertFile is null ? $"TLS: {endpoint} closed the connection; the broker may require a client certificate (cert_file/key_file are not set)"
        : $"TLS: {endpoint} closed the connection; the broker may not accept the client certificate in cert_file {clientCertFile}";

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException agg)
                foreach (var inner in agg.InnerExceptions.SelectMany(Chain))
                    yield return inner;
        }
    }

    private static string Innermost(Exception e)
    {
        var x = e;
        while (x.InnerException is not null) x = x.InnerException;
        return OneLine(x.Message);
    }

    public static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
