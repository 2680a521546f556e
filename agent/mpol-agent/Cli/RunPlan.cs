using System.Net;
using PolicyKit.Agent.Replay;
using PolicyKit.Agent.Runtime;
using PolicyKit.Telemetry;

namespace PolicyKit.Agent.Cli;

/// <summary>What a replay source needs.</summary>
internal sealed record ReplayPlan(string File, string Format, ReplaySpeed Speed, string Interface, bool ExitWhenDone);

/// <summary>How telemetry leaves the agent: the broker to connect to, and whether to run one in-process first.</summary>
/// <param name="Client">Connection settings; the client id, Last Will and online message are filled in once the table names the device.</param>
/// <param name="Embedded">Where to run the embedded broker, when configured (the client then connects to it).</param>
internal sealed record MqttPlan(MqttTelemetryOptions Client, IPEndPoint? Embedded);

/// <summary>
/// Everything `mpol-agent run` does, decided from the configuration before anything starts
/// (RunPlanFactory maps the configuration onto it), so the run itself reads no settings.
/// </summary>
internal sealed record RunPlan(
    RuntimeOptions Runtime,
    bool Watch,
    string StatusListen,
    MqttPlan? Mqtt,
    ReplayPlan? Replay,
    PolicyKit.Nfqueue.Enforcement.EnforcerOptions? Nfqueue,
    PolicyKit.Bmp.Station.BmpStationOptions? Bmp,
    AgentLogLevel LogLevel,
    bool LogJson);
