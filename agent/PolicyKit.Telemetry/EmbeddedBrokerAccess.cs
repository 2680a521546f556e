using System.Security.Cryptography;
using System.Text;

namespace PolicyKit.Telemetry;

/// <summary>
/// Who may do what on the <see cref="EmbeddedBroker"/>. One publisher — the agent's own client,
/// which connects with a credential made fresh for this process (<see cref="ForPublisher"/>) and
/// known to nobody else — may publish; every other client may only subscribe, so no client can
/// forge a device's status or limits, and none can take over the publisher's client id (a broker
/// disconnects the older of two clients with one id). Subscribers must present
/// <see cref="UserName"/> and <see cref="Password"/> when they are set; without them anonymous
/// subscribers are accepted, which the agent allows only on a loopback address.
/// </summary>
public sealed record EmbeddedBrokerAccess(string PublisherClientId, string PublisherUserName, string PublisherPassword, string? UserName = null, string? Password = null)
{
    /// <summary>Access for one publisher with a random credential (32 bytes), and optional subscriber credentials.</summary>
    public static EmbeddedBrokerAccess ForPublisher(string clientId, string? userName = null, string? password = null) =>
        new(clientId, "policykit-publisher", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), userName, password);

    public bool RequiresAuthentication => UserName is not null;

    /// <summary>Never prints a password.</summary>
    public override string ToString() => $"EmbeddedBrokerAccess {{ Publisher = {PublisherClientId}, Subscribers = {(RequiresAuthentication ? $"user {UserName}" : "anonymous")} }}";

    /// <summary>What a connecting client is: the publisher, a subscriber, or refused (with the reason code's meaning).</summary>
    internal Verdict Judge(string? clientId, string? userName, string? password)
    {
        if (userName == PublisherUserName && FixedTimeEquals(password, PublisherPassword))
            return clientId == PublisherClientId ? Verdict.Publisher : Verdict.BadClientId;
        if (clientId == PublisherClientId) return Verdict.BadClientId;
        if (!RequiresAuthentication) return Verdict.Subscriber;
        return userName == UserName && FixedTimeEquals(password, Password) ? Verdict.Subscriber : Verdict.BadCredentials;
    }

    private static bool FixedTimeEquals(string? given, string? expected) =>
        given is not null && expected is not null &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    internal enum Verdict
    {
        Publisher,
        Subscriber,
        BadCredentials,
        BadClientId,
    }
}
