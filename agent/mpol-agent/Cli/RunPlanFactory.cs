using PolicyKit.Agent.Config;
using PolicyKit.Agent.Runtime;
using PolicyKit.Telemetry;

namespace PolicyKit.Agent.Cli;

/// <summary>Maps the checked configuration onto what `run` does. Reads the trusted key; nothing else touches files.</summary>
internal static class RunPlanFactory
{
    public static RunPlan? Create(AgentSettings s, TextWriter error)
    {
        if (s.Agent.Table.Length == 0)
        {
            error.WriteLine("mpol-agent: error: agent.table: no table given (set it in the configuration, or --table PATH)");
            return null;
        }
        Tables.Format.TableVerifier? verifier = null;
        if (s.Agent.PublicKey.Length > 0 && !TableFile.TryReadVerifier(s.Agent.PublicKey, out verifier, out string keyError))
        {
            error.WriteLine($"mpol-agent: error: agent.{keyError}");
            return null;
        }
        var runtime = new RuntimeOptions
        {
            TablePath = s.Agent.Table,
            Verifier = verifier,
            Device = s.Agent.Device,
            Site = s.Agent.Site,
            TopicPrefix = s.Mqtt.TopicPrefix,
            WarnPercent = s.Telemetry.WarnPercent,
            DenyBurst = s.Telemetry.DenyBurst,
            DenyBurstWindow = s.Telemetry.DenyBurstWindow,
            DenyEvents = s.Telemetry.DenyEvents,
            DenyEventWindow = s.Telemetry.DenyEventWindow,
            PublishInterval = s.Mqtt.PublishInterval,
            PrintDecisions = s.Telemetry.PrintDecisions,
            Engine = s.Engine.Options,
            AllowRollback = s.Agent.AllowRollback,
        };
        MqttPlan? mqtt = null;
        if (s.Mqtt.Enabled)
        {
            var m = s.Mqtt;
            var client = new MqttTelemetryOptions
            {
                Host = m.Host,
                Port = m.Port,
                Protocol = m.Protocol,
                Brokers = m.Brokers,
                OutboxDirectory = m.OutboxDir.Length > 0 ? m.OutboxDir : null,
                ClientId = m.ClientId,
                Username = m.Username.Length > 0 ? m.Username : null,
                Password = m.Password,
                KeepAlive = m.KeepAlive,
                BufferCapacity = m.BufferCapacity,
                ReconnectMin = m.ReconnectMin,
                ReconnectMax = m.ReconnectMax,
                Tls = m.Tls.Enabled ? new MqttTlsSettings
                {
                    Enabled = true,
                    CaFile = m.Tls.CaFile,
                    CertFile = m.Tls.CertFile.Length > 0 ? m.Tls.CertFile : null,
                    KeyFile = m.Tls.KeyFile.Length > 0 ? m.Tls.KeyFile : null,
                    ServerName = m.Tls.ServerName.Length > 0 ? m.Tls.ServerName : null,
                } : null,
            };
            Endpoints.TryParse(m.EmbeddedListen, out var embedded);
            mqtt = new MqttPlan(client, m.EmbeddedBroker ? embedded : null);
        }
        var replay = s.Replay.File.Length == 0 ? null
            : new ReplayPlan(s.Replay.File, s.Replay.Format, s.Replay.Speed, s.Replay.Interface, s.Replay.ExitWhenDone);
        var q = s.Nfqueue;
        var nfqueue = !q.Enabled ? null : new PolicyKit.Nfqueue.Enforcement.EnforcerOptions
        {
            InstanceId = q.InstanceId,
            QueueNumber = (ushort)q.Queue,
            FailMode = q.FailMode == "closed" ? PolicyKit.Nfqueue.Hooks.FailMode.Closed : PolicyKit.Nfqueue.Hooks.FailMode.Open,
            Interfaces = q.Interfaces,
            InterfaceMap = q.InterfaceMap,
            Ipv6 = q.Ipv6,
            EnforceMemberships = q.Memberships,
            AdmitFlows = q.Flows,
            AllowTimeout = q.AllowTimeout,
            DenyTimeout = q.DenyTimeout,
            DropMalformed = q.DropMalformed,
            QueueMaxLength = q.QueueMaxLength,
        };
        var b = s.Bmp;
        PolicyKit.Bmp.Station.BmpStationOptions? bmp = null;
        if (b.Enabled)
        {
            var listeners = new List<PolicyKit.Bmp.Station.BmpListenerOptions>();
            if (b.Listen.Length > 0 && Endpoints.TryParse(b.Listen, out var plain))
                listeners.Add(new() { Address = plain.Address.ToString(), Port = plain.Port, Name = "bmp" });
            if (b.TlsListen.Length > 0 && Endpoints.TryParse(b.TlsListen, out var tls))
                listeners.Add(new()
                {
                    Address = tls.Address.ToString(), Port = tls.Port, Name = "bmp-tls",
                    Tls = new PolicyKit.Bmp.Station.BmpTlsOptions
                    {
                        CertificateFile = b.CertFile, KeyFile = b.KeyFile, CaFile = b.CaFile, Strict = b.Strict,
                        MinVersion = b.TlsMinVersion == "1.3" ? PolicyKit.Bmp.Station.BmpTlsVersion.Tls13 : PolicyKit.Bmp.Station.BmpTlsVersion.Tls12,
                    },
                });
            bmp = new PolicyKit.Bmp.Station.BmpStationOptions
            {
                Listeners = listeners,
                MaxSessions = b.MaxSessions,
                MaxSessionsPerSource = b.MaxSessionsPerSource,
                MaxPending = b.MaxPending,
                MaxPendingPerSource = b.MaxPendingPerSource,
                HandshakeTimeout = b.HandshakeTimeout,
                FirstMessageTimeout = b.FirstMessageTimeout,
                IdleTimeout = b.IdleTimeout,
                View = ViewChoice(b.View),
                ViewOverrides = b.ViewOverrides.ToDictionary(p => p.Key, p => ViewChoice(p.Value)),
                EventQueueCapacity = b.EventQueue,
                EventBurst = b.EventBurst,
                EventSummaryInterval = b.EventInterval,
                RpkiFile = b.RpkiFile.Length > 0 ? b.RpkiFile : null,
                ExpectedOriginsFile = b.ExpectedOriginsFile.Length > 0 ? b.ExpectedOriginsFile : null,
            };
        }
        var level = Enum.Parse<AgentLogLevel>(s.Log.Level, ignoreCase: true);
        return new RunPlan(runtime, s.Agent.Watch, s.Agent.StatusListen, mqtt, replay, nfqueue, bmp, level, s.Log.Format == "json");
    }

    private static PolicyKit.Bmp.Station.BmpViewChoice ViewChoice(string view) => view switch
    {
        "pre-policy" => PolicyKit.Bmp.Station.BmpViewChoice.PrePolicy,
        "post-policy" => PolicyKit.Bmp.Station.BmpViewChoice.PostPolicy,
        "loc-rib" => PolicyKit.Bmp.Station.BmpViewChoice.LocRib,
        _ => PolicyKit.Bmp.Station.BmpViewChoice.Auto,
    };
}
