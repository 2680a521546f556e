using PolicyKit.Compiler;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Compiler.Model;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Tests;

/// <summary>Compiles small in-memory policies to admission tables and engines.</summary>
internal static class EnginePolicy
{
    public const string FileName = "test.mpol";

    public static readonly DateOnly Today = new(2026, 11, 23);

    public static CheckResult Check(string policy) =>
        PolicyCompiler.Check(FileName, new CompilationOptions { Today = Today, AllowUnsupported = true },
            new InMemoryPolicyFileReader(new Dictionary<string, string> { [FileName] = policy }));

    /// <summary>The model, device and table of <paramref name="device"/>; fails the test with the diagnostics when the policy has errors.</summary>
    public static (PolicyModel Model, Device Device, AdmissionTable Table) Compile(string policy, string device = "r1")
    {
        var result = Check(policy);
        var errors = result.Diagnostics.Where(d => d.IsError).ToList();
        Assert.True(errors.Count == 0, "the policy has errors:\n" + string.Join("\n", errors.Select(d => $"{d.Span} {d.Code} {d.Message}")) + "\n" + policy);
        var model = result.Model!;
        var d = model.FindDevice(device) ?? throw new InvalidOperationException($"no device {device}");
        return (model, d, new AgentTableBuilder(model, d).Build());
    }

    public static CompiledTable Table(string policy, string device = "r1") => CompiledTable.Build(Compile(policy, device).Table);

    public static AdmissionEngine NewEngine(string policy, string device = "r1", EngineOptions? options = null) =>
        new(Table(policy, device), options);

    /// <summary>Seconds as engine time (ticks).</summary>
    public static long S(double seconds) => (long)(seconds * TimeSpan.TicksPerSecond);

    public static Address A(string text) => Address.Parse(text);

    /// <summary>"file:line:col" of the first occurrence of <paramref name="text"/> itself.</summary>
    public static string ColumnOf(string policy, string text)
    {
        var lines = policy.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int at = lines[i].IndexOf(text, StringComparison.Ordinal);
            if (at >= 0) return $"{FileName}:{i + 1}:{at + 1}";
        }
        throw new InvalidOperationException($"'{text}' is not in the policy");
    }

    /// <summary>"file:line:col" of the first line of the policy holding <paramref name="text"/>, at its first non-blank column.</summary>
    public static string LocationOf(string policy, string text)
    {
        var lines = policy.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int at = lines[i].IndexOf(text, StringComparison.Ordinal);
            if (at >= 0) return $"{FileName}:{i + 1}:{lines[i].Length - lines[i].TrimStart().Length + 1}";
        }
        throw new InvalidOperationException($"'{text}' is not in the policy");
    }
}

/// <summary>Short forms of the engine calls the tests use.</summary>
internal static class EngineCalls
{
    public static Decision JoinAsm(this AdmissionEngine engine, string iface, string group, long now = 0, int version = 3, string? host = null) =>
        engine.Join(new JoinEvent(engine.Interface(iface), Address.Parse(group), Address.None, host is null ? Address.None : Address.Parse(host), (byte)version), now);

    public static Decision JoinSsm(this AdmissionEngine engine, string iface, string source, string group, long now = 0, string? host = null) =>
        engine.Join(new JoinEvent(engine.Interface(iface), Address.Parse(group), Address.Parse(source), host is null ? Address.None : Address.Parse(host), 3), now);

    public static Decision Leave(this AdmissionEngine engine, string iface, string group, string? source = null, long now = 0) =>
        engine.Leave(new LeaveEvent(engine.Interface(iface), Address.Parse(group), source is null ? Address.None : Address.Parse(source)), now);

    public static Decision State(this AdmissionEngine engine, string? source, string group, string rpf, long now = 0, bool connected = false) =>
        engine.CreateState(new StateEvent(source is null ? Address.None : Address.Parse(source), Address.Parse(group), engine.Interface(rpf), connected), now);

    public static Decision Out(this AdmissionEngine engine, string? source, string group, string iface, long now = 0) =>
        engine.AddOutput(new OutputEvent(source is null ? Address.None : Address.Parse(source), Address.Parse(group), engine.Interface(iface)), now);

    /// <summary>A state with one output, as one decision: the state's if it was refused, else the output's.</summary>
    public static Decision StateOut(this AdmissionEngine engine, string? source, string group, string rpf, string output, long now = 0)
    {
        var state = engine.State(source, group, rpf, now);
        return state.IsAdmit ? engine.Out(source, group, output, now) : state;
    }

    public static Decision Sa(this AdmissionEngine engine, string peer, string source, string group, long now = 0, string rp = "192.0.2.100") =>
        engine.SaReceived(new SaEvent(Address.Parse(peer), Address.Parse(source), Address.Parse(group), Address.Parse(rp)), now);

    public static Decision Register(this AdmissionEngine engine, string source, string group, long now = 0) =>
        engine.Register(new RegisterEvent(Address.Parse(source), Address.Parse(group)), now);

    public static Decision Prefix(this AdmissionEngine engine, string peer, string prefix, long now = 0)
    {
        var parts = prefix.Split('/');
        return engine.PrefixAnnounced(new PrefixEvent(Address.Parse(peer), Address.Parse(parts[0]), byte.Parse(parts[1])), now);
    }

    public static Decision Withdraw(this AdmissionEngine engine, string peer, string prefix, long now = 0)
    {
        var parts = prefix.Split('/');
        return engine.PrefixWithdrawn(new PrefixEvent(Address.Parse(peer), Address.Parse(parts[0]), byte.Parse(parts[1])), now);
    }

    /// <summary>"232.1.0.{i}"-style addresses: the i-th address above a base.</summary>
    public static string Nth(string baseAddress, int i)
    {
        var a = Address.Parse(baseAddress);
        return new Address(a.Family, a.Value + (UInt128)i).ToString();
    }
}
