using PolicyKit.Engine;
using PolicyKit.Tables.Model;

namespace PolicyKit.Nfqueue.Flows;

/// <summary>Which of an instance's sets an element goes to.</summary>
public enum FlowSet
{
    /// <summary><c>allow4</c>/<c>allow6</c>: admitted (input interface, S, G) — marked and forwarded by the kernel alone.</summary>
    Allow,

    /// <summary><c>deny4</c>/<c>deny6</c>: refused (input interface, S, G) — dropped by the kernel alone until the element times out.</summary>
    Deny,

    /// <summary><c>outdeny4</c>/<c>outdeny6</c>: (output interface, S, G) an output limit refused — dropped in postrouting.</summary>
    OutputDeny,
}

/// <summary>A set element: a Linux interface name (input, or output for <see cref="FlowSet.OutputDeny"/>), a source and a group of one family.</summary>
public readonly record struct FlowKey(string Interface, Address Source, Address Group)
{
    public AddressFamily Family => Group.Family;

    public static string SetName(FlowSet set, AddressFamily family) => (set switch
    {
        FlowSet.Allow => "allow",
        FlowSet.Deny => "deny",
        _ => "outdeny",
    }) + (family == AddressFamily.V4 ? "4" : "6");

    public override string ToString() => $"{Interface} . {Source} . {Group}";
}

/// <summary>Writes elements into an instance's flow sets (the kernel fast path).</summary>
public interface IFlowSetWriter : IDisposable
{
    /// <summary>Adds (or keeps) an element that expires after <paramref name="timeout"/>.</summary>
    void Add(FlowSet set, in FlowKey key, TimeSpan timeout);

    /// <summary>Removes an element; no error when it is not there.</summary>
    void Delete(FlowSet set, in FlowKey key);

    /// <summary>Empties a set of one family (e.g. after a table reload, so every flow is decided again).</summary>
    void Flush(FlowSet set, AddressFamily family);
}
