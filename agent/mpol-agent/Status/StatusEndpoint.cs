using System.Net;
using PolicyKit.Agent.Runtime;

namespace PolicyKit.Agent.Status;

/// <summary>
/// The local status endpoint: <c>GET http://HOST:PORT/status</c> returns <see cref="StatusDocument"/>,
/// <c>/metrics</c> the same state for Prometheus (<see cref="OpenMetricsDocument"/>), <c>/healthz</c>
/// "ok" while the agent serves a table. Bound to loopback by default (status_listen); read-only;
/// it answers nothing else.
/// </summary>
public sealed class StatusEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly AgentRuntime _runtime;
    private readonly Task _loop;

    private StatusEndpoint(AgentRuntime runtime, string prefix)
    {
        _runtime = runtime;
        _listener.Prefixes.Add(prefix);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>
    /// The HttpListener prefix for an endpoint. HttpListener takes no "0.0.0.0" or "[::]" (it
    /// answered "The request is not supported" while check-config had accepted the address): any
    /// address is its "*"; an IPv6 address is written in brackets.
    /// </summary>
    public static string Prefix(System.Net.IPEndPoint endpoint)
    {
        var address = endpoint.Address;
        string host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "*"
            : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]"
            : address.ToString();
        return $"http://{host}:{endpoint.Port}/";
    }

    /// <summary>Starts on "host:port"; false with a message when the address is taken or invalid.</summary>
    public static bool TryStart(AgentRuntime runtime, string listen, out StatusEndpoint? endpoint, out string error)
    {
        endpoint = null;
        error = string.Empty;
        if (!Config.Endpoints.TryParse(listen, out var parsed))
        {
            error = $"status endpoint {listen}: expected HOST:PORT";
            return false;
        }
        try
        {
            endpoint = new StatusEndpoint(runtime, Prefix(parsed));
            return true;
        }
        catch (Exception e) when (e is HttpListenerException or ArgumentException or System.Net.Sockets.SocketException)
        {
            error = $"status endpoint {listen}: {e.Message}";
            return false;
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try
            {
                var response = context.Response;
                string path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
                if (context.Request.HttpMethod != "GET" || path is not ("/status" or "/metrics" or "/healthz"))
                {
                    response.StatusCode = 404;
                    response.Close();
                    continue;
                }
                bool healthy = _runtime.Table is not null;
                if (path == "/healthz" && !healthy) response.StatusCode = 503;
                byte[] body = path switch
                {
                    "/metrics" => OpenMetricsDocument.Write(_runtime),
                    "/healthz" => System.Text.Encoding.ASCII.GetBytes(healthy ? "ok\n" : "no table\n"),
                    _ => StatusDocument.Write(_runtime),
                };
                response.ContentType = path switch
                {
                    "/metrics" => OpenMetricsDocument.ContentType,
                    "/healthz" => "text/plain; charset=utf-8",
                    _ => "application/json",
                };
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // A client that went away; the next one is served.
            }
        }
    }

    public void Dispose()
    {
        try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}
