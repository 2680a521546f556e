using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Agent;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>out/manifest.json</c>: what one compile wrote, for deployment tools (Ansible, Nornir,
/// NAPALM): per device its platform, its files with their SHA-256 and the names of the objects
/// PolicyKit owns in them (every <c>PK-</c> name), so a tool knows what to push where and what it
/// may replace. The previous manifest also says which device folders an earlier compile wrote: a
/// device no longer compiled has its listed files (and then its empty folder) removed, so a
/// renamed or deleted device does not leave a stale configuration behind to be pushed by mistake.
/// Files the manifest never listed are never removed.
/// </summary>
internal static class DeploymentManifest
{
    public const string FileName = "manifest.json";

    /// <summary>One written file as the manifest lists it; taken when the file is staged, so the files need not be kept.</summary>
    public sealed record Entry(string Device, string FileName, string Target, string Sha256, IReadOnlyList<string> Owned);

    /// <summary>
    /// Takes a file's manifest entry from its text as it goes by, chunk by chunk (its SHA-256 and
    /// its PK- names), while the file is written: it is read once for both (issue 18). A
    /// configuration can be tens of megabytes: its chunks are hashed and scanned as they are,
    /// never copied whole, and its PK- names (on nearly every line) are found without an object
    /// per occurrence.
    /// </summary>
    public sealed class EntryReader(EmittedFile file)
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly List<string> _names = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        /// <summary>The next chunk of a text file (whole lines; names are never split between two).</summary>
        public void Read(ReadOnlySpan<byte> chunk)
        {
            _hash.AppendData(chunk);
            OwnedNames(chunk, _seen, _names);
        }

        public Entry Finish()
        {
            if (file.Bytes is { } bytes) _hash.AppendData(bytes);
            string sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
            _hash.Dispose();
            return new Entry(file.Device, file.FileName, file.Target, sha256, file.Bytes is null ? _names : []);
        }
    }

    /// <summary>Every PK- name in the text (<c>PK-</c> and at least one of A–Z a–z 0–9 _ . -) not seen before, in the order of first use.</summary>
    private static void OwnedNames(ReadOnlySpan<byte> text, HashSet<string> seen, List<string> names)
    {
        var lookup = seen.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[256];
        // Names are ASCII, so a byte is a character.
        int at = text.IndexOf("PK-"u8);
        while (at >= 0)
        {
            int end = at + 3;
            while (end < text.Length && NameBytes.Contains(text[end])) end++;
            if (end > at + 3)
            {
                var bytes = text[at..end];
                var name = bytes.Length <= buffer.Length ? buffer[..bytes.Length] : new char[bytes.Length];
                for (int i = 0; i < bytes.Length; i++) name[i] = (char)bytes[i];
                if (!lookup.Contains(name))
                {
                    string owned = new(name);
                    seen.Add(owned);
                    names.Add(owned);
                }
            }
            int next = text[end..].IndexOf("PK-"u8);
            at = next < 0 ? -1 : end + next;
        }
    }

    private static readonly System.Buffers.SearchValues<byte> NameBytes =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"u8);

    public static void Update(string outputDir, IReadOnlyList<Entry> files)
    {
        string path = Path.Combine(outputDir, FileName);
        var previous = Read(path);
        var current = files.Select(f => f.Device).ToHashSet(StringComparer.Ordinal);
        foreach (var (device, listed) in previous.Where(p => !current.Contains(p.Key)))
        {
            RemoveStale(outputDir, device, listed);
        }
        string temporary = path + ".new";
        File.WriteAllText(temporary, Render(files), new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The manifest's text: devices in name order, files in name order; byte-identical for the same output.</summary>
    public static string Render(IReadOnlyList<Entry> files)
    {
        var devices = new JsonArray();
        foreach (var device in files.GroupBy(f => f.Device, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var entries = new JsonArray();
            var owned = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var file in device.OrderBy(f => f.FileName, StringComparer.Ordinal))
            {
                entries.Add((JsonNode)new JsonObject
                {
                    ["file"] = $"{file.Device}/{file.FileName}",
                    ["target"] = file.Target,
                    ["sha256"] = file.Sha256,
                });
                owned.UnionWith(file.Owned);
            }
            devices.Add((JsonNode)new JsonObject
            {
                ["device"] = device.Key,
                ["platform"] = Platform(device.Select(f => f.Target)),
                ["files"] = entries,
                ["owned"] = new JsonArray(owned.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            });
        }
        var root = new JsonObject { ["format"] = "policykit-manifest/1", ["devices"] = devices };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>
    /// Device → the SHA-256 of its agent table (<c>--target agent</c>), from a manifest's text;
    /// what <c>mpolc drift</c> compares with the hash each agent reports. Throws
    /// <see cref="FormatException"/> with a sentence when the text is not a PolicyKit manifest.
    /// </summary>
    public static SortedDictionary<string, string> AgentTables(string text)
    {
        var tables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var root = JsonNode.Parse(text);
            if (root?["format"]?.GetValue<string>() != "policykit-manifest/1") throw new FormatException("not a PolicyKit manifest (format policykit-manifest/1)");
            foreach (var device in root["devices"]?.AsArray() ?? [])
            {
                if (device?["device"]?.GetValue<string>() is not { } name) continue;
                foreach (var file in device["files"]?.AsArray() ?? [])
                {
                    if (file?["target"]?.GetValue<string>() == AgentTableEmitter.Target && file["sha256"]?.GetValue<string>() is { } sha) tables[name] = sha;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException("not a PolicyKit manifest: " + e.Message, e);
        }
        return tables;
    }

    /// <summary>The platform a device's files are for: a Linux edge box gets FRR and nftables.</summary>
    private static string Platform(IEnumerable<string> targets)
    {
        var set = targets.Where(t => t != AgentTableEmitter.Target).ToHashSet(StringComparer.Ordinal);
        if (set.Contains("nftables")) return "linux";
        return set.Count == 1 ? set.First() : set.Count == 0 ? AgentTableEmitter.Target : string.Join("+", set.Order(StringComparer.Ordinal));
    }

    /// <summary>Device → the files the previous manifest listed for it; nothing when there is none or it cannot be read.</summary>
    private static Dictionary<string, List<string>> Read(string path)
    {
        var listed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!File.Exists(path)) return listed;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path));
            foreach (var device in root?["devices"]?.AsArray() ?? [])
            {
                if (device?["device"]?.GetValue<string>() is not { } name) continue;
                listed[name] = (device["files"]?.AsArray() ?? []).Select(f => f?["file"]?.GetValue<string>()).OfType<string>().ToList();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // A manifest that is not ours (or damaged) removes nothing.
            listed.Clear();
        }
        return listed;
    }

    private static void RemoveStale(string outputDir, string device, List<string> listed)
    {
        // Only a plain device folder directly under the output folder, and only the files listed for it.
        if (device.Length == 0 || device is "." or ".." || device.IndexOfAny(['/', '\\']) >= 0) return;
        string folder = Path.Combine(outputDir, device);
        if (!Directory.Exists(folder)) return;
        foreach (var relative in listed)
        {
            string name = relative.StartsWith(device + "/", StringComparison.Ordinal) ? relative[(device.Length + 1)..] : "";
            if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..") continue;
            File.Delete(Path.Combine(folder, name));
        }
        if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
    }
}
