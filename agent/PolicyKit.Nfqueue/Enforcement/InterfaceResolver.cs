using System.Net.NetworkInformation;
using System.Net.Sockets;
using PolicyKit.Engine;
using PolicyKit.Nfqueue.Netlink;

namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>
/// Turns the interface index NFQUEUE gives into a <see cref="ResolvedInterface"/>: the Linux name
/// (if_indextoname), the policy name (through the interface map), the engine id (registered under
/// the engine lock) and the interface's subnets. Cached; <see cref="Forget"/> drops the cache (the
/// enforcer does so periodically, as indexes are reused when interfaces come and go).
/// </summary>
internal sealed class InterfaceResolver(AdmissionEngine engine, object engineLock, IReadOnlyDictionary<string, string> map)
{
    private readonly Dictionary<uint, ResolvedInterface> _byIndex = [];
    private readonly Dictionary<string, ResolvedInterface> _byName = new(StringComparer.Ordinal);

    public bool TryResolve(uint index, out ResolvedInterface resolved)
    {
        if (_byIndex.TryGetValue(index, out resolved!)) return true;
        string? name = IndexToName(index);
        if (name is null) return false;
        resolved = Make(index, name);
        _byIndex[index] = resolved;
        _byName[name] = resolved;
        return true;
    }

    /// <summary>By Linux name (for output interfaces known from memberships).</summary>
    public ResolvedInterface ByName(string name)
    {
        if (_byName.TryGetValue(name, out var r)) return r;
        r = Make(NativeMethods.IfNameToIndex(name), name);
        _byName[name] = r;
        return r;
    }

    public void Forget()
    {
        _byIndex.Clear();
        _byName.Clear();
    }

    public string PolicyName(string linuxName) => map.TryGetValue(linuxName, out var p) ? p : linuxName;

    private ResolvedInterface Make(uint index, string name)
    {
        string policy = PolicyName(name);
        InterfaceId id;
        lock (engineLock) id = engine.Interface(policy);
        return new ResolvedInterface(index, name, policy, id, Subnets(name));
    }

    private static unsafe string? IndexToName(uint index)
    {
        if (index == 0) return null;
        byte* buffer = stackalloc byte[32];
        byte* name = NativeMethods.IfIndexToName(index, buffer);
        return name is null ? null : System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)name);
    }

    private static List<(Address, int)> Subnets(string name)
    {
        var list = new List<(Address, int)>();
        try
        {
            var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name);
            if (nic is null) return list;
            foreach (var u in nic.GetIPProperties().UnicastAddresses)
            {
                if (u.Address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) continue;
                if (Address.TryParse(u.Address.ToString().Split('%')[0], out var a)) list.Add((a, u.PrefixLength));
            }
        }
        catch (NetworkInformationException)
        {
            // No subnets known: no source counts as connected on this interface.
        }
        return list;
    }
}
