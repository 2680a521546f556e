namespace PolicyKit.Agent.Config;

/// <summary>[agent]: which table, which names, how it is trusted and reloaded.</summary>
public sealed record AgentSection(string Device, string Site, string Table, string PublicKey, bool RequireSignature, bool Watch, string StatusListen, bool AllowRollback)
{
    public static AgentSection Bind(ConfigValues v)
    {
        var s = new AgentSection(
            v.String("agent.device", "", "device name in topics; empty = the table's device"),
            v.String("agent.site", "", "site name in topics; empty = the table's telemetry site, else \"default\""),
            v.Path("agent.table", mustExist: false, "the admission table (.mpt) to enforce; required by `run`"),
            v.Path("agent.public_key", mustExist: true, "PEM public key; when set, every table must be signed with its private key"),
            v.Bool("agent.require_signature", false, "refuse unsigned tables (needs public_key)"),
            v.Bool("agent.watch", true, "reload the table when its file changes (SIGHUP always reloads)"),
            v.String("agent.status_listen", "127.0.0.1:9478", "HOST:PORT of the local status endpoint (GET /status); empty disables it"),
            v.Bool("agent.allow_rollback", false, "accept a reloaded table whose serial is lower than the one in force (off: an older table, even signed, is refused)"));
        if (s.RequireSignature && s.PublicKey.Length == 0) v.Error("agent.require_signature", "true needs agent.public_key (the key tables must be signed with)");
        if (s.StatusListen.Length > 0)
        {
            if (!Endpoints.TryParse(s.StatusListen, out var listen)) v.Error("agent.status_listen", $"expected HOST:PORT, got \"{s.StatusListen}\"");
            else if (!System.Net.IPAddress.IsLoopback(listen.Address))
                v.Warn("agent.status_listen", $"the status endpoint on {listen.Address} answers anyone who can reach it (limits, table path, counters); keep it on loopback unless that is meant");
        }
        return s;
    }
}
