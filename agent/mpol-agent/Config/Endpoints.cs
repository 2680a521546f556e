using System.Net;

namespace PolicyKit.Agent.Config;

/// <summary>HOST:PORT parsing for listen addresses ("127.0.0.1:9478", "[::1]:1883").</summary>
public static class Endpoints
{
    public static bool TryParse(string text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        if (!IPEndPoint.TryParse(text, out var parsed) || !text.Contains(':')) return false;
        if (text.StartsWith('[') && !text.Contains("]:", StringComparison.Ordinal)) return false;
        endpoint = parsed;
        return true;
    }
}
