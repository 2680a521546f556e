using BenchmarkDotNet.Attributes;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Analysis;
using PolicyKit.Compiler.Analysis.Queries;
using PolicyKit.Engine;
using PolicyKit.Tables.Model;

namespace PolicyKit.Bench;

/// <summary>
/// <c>mpolc query</c> on the generated 100k-line policy, without the CLI: the device whose
/// interfaces carry the largest IGMP access filter is asked a join question and a "which ranges
/// can hosts on this interface join" question. <see cref="Join"/> and <see cref="Ranges"/> ask a
/// device already loaded (what an editor or a long-running tool pays per question);
/// <see cref="CheckAndJoin"/> is the whole of a cold <c>mpolc query join</c> after the file is
/// read: check the policy, build the device's table, ask.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class QueryBenchmarks
{
    private Dictionary<string, string> _files = [];
    private CompilationOptions _options = new();
    private DeviceView _view = null!;
    private string _device = "";
    private string _interface = "";
    private static readonly Address Group = Address.Parse("232.1.1.1");
    private static readonly Address Source = Address.Parse("10.0.0.1");

    [Params("100k")]
    public string Preset { get; set; } = "100k";

    [GlobalSetup]
    public void Setup()
    {
        var preset = GeneratorPreset.Find(Preset) ?? throw new ArgumentException($"no preset '{Preset}'");
        var policy = PolicyGenerator.Generate(preset);
        _files = new Dictionary<string, string> { [PolicyGenerator.FileName] = policy.Text };
        _options = new CompilationOptions { Today = PolicyGenerator.Today };
        var result = PolicyCompiler.Check(PolicyGenerator.FileName, _options, new InMemoryPolicyFileReader(_files));
        var model = result.Model ?? throw new InvalidOperationException("the generated policy does not check");
        // The interface whose access filter has the most rules: the largest ranges question.
        var (device, iface, rules) = model.Devices
            .SelectMany(d => d.Interfaces.Select(i => (Device: d, Interface: i, Rules: i.Igmp?.Access?.Rules.Length ?? 0)))
            .MaxBy(x => x.Rules);
        _device = device.Name;
        _interface = iface.Name;
        _view = DeviceView.Of(model, device);
        var ranges = Ranges();
        Console.WriteLine($"// {policy}");
        Console.WriteLine($"// device {_device}, interface {_interface}: access filter of {rules} rules, {ranges.Regions.Count} regions");
    }

    [Benchmark]
    public QueryAnswer Join() => Questions.Join(_view, _interface, Group, Source, Address.None, 0, Expectation.None);

    [Benchmark]
    public QueryAnswer Ranges() => Questions.Ranges(_view, _interface, AddressFamily.V4, null, null, null, Expectation.None);

    [Benchmark]
    public QueryAnswer CheckAndJoin()
    {
        var result = PolicyCompiler.Check(PolicyGenerator.FileName, _options, new InMemoryPolicyFileReader(_files));
        var view = DeviceView.Of(result.Model!, result.Model!.FindDevice(_device)!);
        return Questions.Join(view, _interface, Group, Source, Address.None, 0, Expectation.None);
    }
}
