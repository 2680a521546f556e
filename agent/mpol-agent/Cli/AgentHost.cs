using System.Runtime.InteropServices;
using PolicyKit.Agent.Replay;
using PolicyKit.Agent.Runtime;
using PolicyKit.Agent.Status;
using PolicyKit.Agent.Telemetry;
using PolicyKit.Telemetry;

namespace PolicyKit.Agent.Cli;

/// <summary>
/// Runs the agent from a <see cref="RunPlan"/>: loads the table, starts telemetry (and the embedded
/// broker), the status endpoint, the table watcher, SIGHUP reloads and the replay; publishes limit
/// state every interval; on SIGTERM or Ctrl+C publishes "offline", flushes, and returns 0.
/// Under systemd (<c>Type=notify</c>) it says when it is ready, reloading and stopping, and
/// feeds the watchdog from its own loop.
/// </summary>
internal sealed class AgentHost(RunPlan plan, TextWriter output, AgentLog log, SystemdNotifier systemd)
{
    public async Task<int> RunAsync(CancellationToken externalStop)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(externalStop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });

        // The table first: without one there is nothing to enforce, and its device and site name the topics.
        MqttTelemetryPublisher? publisher = null;
        var sink = new DeferredSink();
        var runtime = new AgentRuntime(plan.Runtime, sink, output, () => publisher is null ? default
            : new TelemetryCounters(publisher.IsConnected, publisher.Buffered, publisher.Dropped, publisher.Published, publisher.LastError));
        if (!runtime.TryLoad(out string error))
        {
            log.Error($"cannot start: {error}");
            return ExitCodes.ConfigOrUsage;
        }
        var table = runtime.Table!;
        log.Info($"table {table.Path}: device {table.Device}, checksum {table.Checksum[..12]}, serial {(table.Serial == 0 ? "none" : table.Serial)}, signature {(table.SignatureVerified ? "verified" : "not checked")}");

        EmbeddedBroker? broker = null;
        try
        {
            if (plan.Mqtt is { } mqtt)
            {
                var client = mqtt.Client;
                client = client with { ClientId = string.IsNullOrEmpty(client.ClientId) ? $"policykit-{runtime.Topics.Device}" : client.ClientId };
                if (mqtt.Embedded is { } listen)
                {
                    // The agent's client is the broker's only publisher, with a credential made for
                    // this process; dashboards subscribe, with the configured user and password
                    // when set (the configuration allows none only on loopback).
                    var access = EmbeddedBrokerAccess.ForPublisher(client.ClientId, client.Username, client.Password);
                    broker = new EmbeddedBroker(listen.Address, listen.Port, access);
                    await broker.StartAsync().ConfigureAwait(false);
                    log.Info($"embedded MQTT broker listening on {listen.Address}:{broker.Port} ({(access.RequiresAuthentication ? $"subscribers authenticate as {access.UserName}" : "anonymous subscribers")}; only the agent publishes)");
                    if (!System.Net.IPAddress.IsLoopback(listen.Address))
                        log.Warn($"embedded MQTT broker on {listen.Address}, not loopback: it has no TLS, so the subscribers' password crosses the network in the clear; for production use a broker with TLS (mqtt.host, [mqtt.tls])");
                    var local = listen.Address.Equals(System.Net.IPAddress.Any) ? System.Net.IPAddress.Loopback
                        : listen.Address.Equals(System.Net.IPAddress.IPv6Any) ? System.Net.IPAddress.IPv6Loopback : listen.Address;
                    client = client with { Host = local.ToString(), Port = broker.Port, Tls = null, Username = access.PublisherUserName, Password = access.PublisherPassword };
                }
                client = client with
                {
                    Will = new TelemetryMessage(runtime.Topics.Status, runtime.StatusPayload("offline", "connection-lost"), Retain: true),
                    // After a reconnect the retained status may still be the Will's "offline": say online first.
                    Online = new TelemetryMessage(runtime.Topics.Status, runtime.StatusPayload("online", null), Retain: true),
                };
                publisher = new MqttTelemetryPublisher(client, new AgentLogger(log, "mqtt"));
                sink.Target = new MqttSink(publisher);
                await publisher.StartAsync(stop.Token).ConfigureAwait(false);
                log.Info($"telemetry to mqtt://{client.Host}:{client.Port} under {runtime.Topics.Root}/");
            }
            else
            {
                sink.Target = new NullSink();
            }
            runtime.Announce();

            StatusEndpoint? endpoint = null;
            if (plan.StatusListen.Length > 0)
            {
                if (StatusEndpoint.TryStart(runtime, plan.StatusListen, out endpoint, out error)) log.Info($"status on http://{plan.StatusListen}/status");
                else log.Warn(error + " (status endpoint off; telemetry unaffected)");
            }
            using var _ = endpoint;

            await using var station = await StartStationAsync(runtime).ConfigureAwait(false);
            if (plan.Bmp is not null && station is null) return ExitCodes.ConfigOrUsage;
            var bmp = station is null ? null : new Live.BmpTelemetry(station, runtime, log);
            bmp?.Attach();
            var bmpEvents = bmp is null ? Task.CompletedTask : bmp.PumpEventsAsync(stop.Token);

            void Reload(string trigger)
            {
                // SIGHUP also re-reads the BMP station's certificates (rotation without a restart) and its origin files.
                if (trigger == "sighup" && station is not null)
                {
                    foreach (var r in station.ReloadCertificates()) log.Info($"bmp: certificates: {r}");
                    foreach (var r in station.ReloadOrigins()) log.Write(r.Success ? AgentLogLevel.Info : AgentLogLevel.Error, $"bmp: {r}");
                }
                try
                {
                    systemd.Reloading();
                    bool ok = runtime.Reload(trigger, out string message);
                    if (ok) log.Info(message);
                    else log.Error(message);
                }
#pragma warning disable CA1031 // a reload runs on a timer or signal thread: an escaping exception would abort the agent and stop enforcement
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    log.Error($"table reload ({trigger}) failed, keeping the table in force: {e.GetType().Name}: {e.Message}");
                }
#pragma warning restore CA1031
                finally
                {
                    systemd.Ready($"serving table {runtime.Table?.Device}");
                }
            }
            bool reclaimed = InheritedSignals.Reclaim(InheritedSignals.SIGHUP);
            using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; Task.Run(() => Reload("sighup")); });
            if (reclaimed) log.Info("SIGHUP was ignored by the parent process (nohup?); the agent took it back: SIGHUP reloads the table");
            using var watcher = plan.Watch ? new TableWatcher(plan.Runtime.TablePath, TimeSpan.FromMilliseconds(300), () => Reload("file-change")) : null;

            using var enforcer = StartEnforcer(runtime);
            if (plan.Nfqueue is not null && enforcer is null) return ExitCodes.ConfigOrUsage;

            var publishing = PublishPeriodicallyAsync(runtime, bmp, stop.Token);
            // Ready once the table is in force and every configured part listens.
            systemd.Ready($"serving table {table.Device}");
            var watchdog = systemd.RunWatchdogAsync(() => runtime.Decisions(), stop.Token);
            if (plan.Replay is { } replay)
            {
                await ReplayAsync(runtime, replay, stop).ConfigureAwait(false);
            }
            try { await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            systemd.Stopping();
            await publishing.ConfigureAwait(false);
            await watchdog.ConfigureAwait(false);
            if (station is not null)
            {
                await station.StopAsync().ConfigureAwait(false);
                await bmpEvents.ConfigureAwait(false);
                // Retained BMP state must not say "up" for sessions that are gone: every router and peer is marked down.
                bmp!.Finish();
            }

            enforcer?.Stop();
            log.Info("stopping: publishing offline status");
            if (publisher is not null)
            {
                runtime.PublishState();
                var final = new TelemetryMessage(runtime.Topics.Status, runtime.StatusPayload("offline", "stopped"), Retain: true);
                bool flushed = await publisher.StopAsync(final, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                if (!flushed) log.Warn($"telemetry: {publisher.Buffered} message(s) not delivered before stopping ({publisher.LastError ?? "broker unreachable"})");
            }
            return ExitCodes.Ok;
        }
        finally
        {
            if (publisher is not null) await publisher.DisposeAsync().ConfigureAwait(false);
            if (broker is not null) await broker.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Live enforcement when [nfqueue] is enabled: hooks installed now, removed on stop. Null (and
    /// an error logged) when it cannot start — the agent then refuses to run rather than pretend
    /// to enforce.
    /// </summary>
    private Nfqueue.Enforcement.NfqueueEnforcer? StartEnforcer(AgentRuntime runtime)
    {
        if (plan.Nfqueue is not { } options) return null;
        var enforcer = new Nfqueue.Enforcement.NfqueueEnforcer(options with { Clock = () => runtime.Clock.Now },
            runtime.Engine, runtime.EngineLock, new Live.EnforcementObserver(runtime, log), plan.Runtime.Engine);
        try
        {
            enforcer.Start();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Error($"nfqueue: cannot start live enforcement: {e.Message}");
            enforcer.Dispose();
            return null;
        }
        runtime.TableChanged += enforcer.TableChanged;
        foreach (string leftover in enforcer.RecoveredLeftovers) log.Warn($"nfqueue: removed hooks left by an earlier run: {leftover}");
        log.Info($"nfqueue: enforcing on queue {options.QueueNumber} ({(options.FailMode == Nfqueue.Hooks.FailMode.Open ? "fail-open" : "fail-closed")}), hooks of instance {options.InstanceId} installed");
        return enforcer;
    }

    /// <summary>The BMP station when [bmp] is enabled; null (and an error logged) when it cannot listen.</summary>
    private async Task<Bmp.Station.BmpStation?> StartStationAsync(AgentRuntime runtime)
    {
        if (plan.Bmp is not { } options) return null;
        Bmp.Station.BmpStation station;
        try
        {
            station = new Bmp.Station.BmpStation(options, runtime.Engine.Table);
            await station.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is Bmp.Station.BmpConfigurationException or System.Net.Sockets.SocketException or IOException or System.Security.Cryptography.CryptographicException)
        {
            log.Error($"bmp: cannot start the station: {e.Message}");
            return null;
        }
        runtime.TableChanged += () => station.ReloadTable(runtime.Engine.Table);
        foreach (var info in new[] { station.Origins.RpkiInfo, station.Origins.ExpectedOriginsInfo })
        {
            if (info is not null) log.Info($"bmp: {info.Name}: {info.Entries} entries from {info.Source}");
        }
        log.Info($"bmp: station listening on {string.Join(", ", station.LocalEndpoints.Zip(options.Listeners, (e, l) => $"{e} ({(l.Tls is null ? "plain TCP" : "TLS")})"))}");
        var memory = GC.GetGCMemoryInfo();
        log.Info($"bmp: managed heap may grow to {memory.TotalAvailableMemoryBytes / (1024 * 1024)} MiB (set DOTNET_GCHeapHardLimit to bound it; see the systemd unit)");
        return station;
    }

    private async Task ReplayAsync(AgentRuntime runtime, ReplayPlan replay, CancellationTokenSource stop)
    {
        // Two passes over the file, neither holding it: the first checks every record (a bad line
        // is reported before any event is applied, as when the trace was read whole), the second replays.
        long count = 0;
        int applied;
        try
        {
            foreach (var _ in TraceLoader.Stream(replay.File, replay.Format, replay.Interface)) count++;
            log.Info($"replay {replay.File}: {count} records at {replay.Speed} speed");
            applied = await TraceReplayer.RunAsync(runtime, TraceLoader.Stream(replay.File, replay.Format, replay.Interface), replay.Speed, output, plan.Runtime.PrintDecisions, stop.Token).ConfigureAwait(false);
        }
        catch (TraceFormatException e)
        {
            // Only a file changed between the passes fails here after the first.
            log.Error($"replay: {e.Message}");
            if (replay.ExitWhenDone) stop.Cancel();
            return;
        }
        runtime.PublishState();
        var (admits, denies) = runtime.Decisions();
        log.Info($"replay done: {applied} events, {admits} admitted, {denies.Values.Sum()} denied");
        if (plan.Runtime.PrintDecisions)
        {
            output.WriteLine();
            output.WriteLine("== limit use after the replay");
            output.Write(StatusView.Parse(StatusDocument.Write(runtime)).Render());
        }
        if (replay.ExitWhenDone) stop.Cancel();
    }

    private static async Task PublishPeriodicallyAsync(AgentRuntime runtime, Live.BmpTelemetry? bmp, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(runtime.PublishInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                runtime.PublishState();
                bmp?.PublishState();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A sink whose target is set once the transport exists (the runtime is created first, to name the topics).</summary>
    private sealed class DeferredSink : ITelemetrySink
    {
        public ITelemetrySink? Target { get; set; }

        public void Publish(string topic, byte[] payload, bool retain) => Target?.Publish(topic, payload, retain);
    }
}
