using System.Net.NetworkInformation;

namespace PolicyKit.Nfqueue.TestHost;

internal static class Interop
{
    public static int IfIndex(string name) =>
        NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name)?.GetIPProperties().GetIPv4Properties()?.Index
        ?? throw new ArgumentException($"no interface '{name}' here");
}
