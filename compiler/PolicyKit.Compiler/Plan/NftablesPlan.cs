using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyKit.Compiler.Emit.Nftables;

namespace PolicyKit.Compiler.Plan;

/// <summary>
/// The plan for an nftables box: PolicyKit owns one table (<c>table inet policykit</c>) and the
/// compiled file replaces it in one transaction, so there is no window without protection and
/// nothing of another table is touched. The plan compares the table as the kernel holds it
/// (<c>nft -j list ruleset</c>) with the compiled file as the kernel would hold it (the same JSON,
/// read back after loading the file where nothing else is: the caller does that I/O). Equal: no
/// commands. Different: comments saying what differs (set elements, rules per chain, the table
/// missing), then the compiled file's statements — a script for <c>nft -f</c>.
/// </summary>
public static class NftablesPlan
{
    private const string Family = NftRuleset.TableFamily;
    private const string Table = NftRuleset.TableName;

    /// <summary>An object of the owned table as the kernel lists it, without its handle.</summary>
    private sealed record Item(string Kind, string Name, string? Chain, string Json, JsonObject Body);

    /// <param name="running">The running ruleset, <c>nft -j list ruleset</c>.</param>
    /// <param name="intent">The compiled file as the kernel holds it, <c>nft -j list table inet policykit</c> after loading it alone.</param>
    /// <param name="compiled">The compiled file.</param>
    /// <exception cref="FormatException">A JSON text is not nft's.</exception>
    public static DeploymentPlan.Result Make(string running, string intent, string compiled)
    {
        var have = Owned(running, "running ruleset");
        var want = Owned(intent, "compiled table");
        if (have.Select(i => i.Json).SequenceEqual(want.Select(i => i.Json), StringComparer.Ordinal)) return new DeploymentPlan.Result([], []);
        var commands = Differences(have, want).Select(d => "# " + d).ToList();
        commands.AddRange(compiled.ReplaceLineEndings("\n").Split('\n')
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')));
        return new DeploymentPlan.Result(commands, []);
    }

    /// <summary>Checks that a running ruleset is nft's JSON before anything else is done with it.</summary>
    /// <exception cref="FormatException">It is not.</exception>
    public static void CheckRuleset(string running) => Owned(running, "running ruleset");

    /// <summary>The objects of the owned table, in the order nft lists them.</summary>
    private static List<Item> Owned(string json, string what)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the {what} is not JSON ({e.Message}); give the output of nft -j list ruleset");
        }
        if (root is not JsonObject top || top["nftables"] is not JsonArray objects) throw new FormatException($"the {what} has no \"nftables\" array; give the output of nft -j list ruleset");
        var items = new List<Item>();
        foreach (var entry in objects.OfType<JsonObject>())
        {
            if (entry.Count != 1) continue;
            var (kind, value) = entry.First();
            if (kind == "metainfo" || value is not JsonObject body) continue;
            bool owned = body["family"]?.GetValueKind() == JsonValueKind.String && (string?)body["family"] == Family &&
                (kind == "table" ? (string?)body["name"] == Table : body["table"]?.GetValueKind() == JsonValueKind.String && (string?)body["table"] == Table);
            if (!owned) continue;
            var copy = (JsonObject)body.DeepClone();
            copy.Remove("handle");
            string? name = copy["name"]?.GetValueKind() == JsonValueKind.String ? (string?)copy["name"] : null;
            string? chain = copy["chain"]?.GetValueKind() == JsonValueKind.String ? (string?)copy["chain"] : null;
            items.Add(new Item(kind, name ?? "", chain, kind + " " + copy.ToJsonString(), copy));
        }
        return items;
    }

    /// <summary>What differs, in words an operator reads before applying.</summary>
    private static IEnumerable<string> Differences(List<Item> have, List<Item> want)
    {
        if (!have.Any(i => i.Kind == "table")) { yield return $"table {Family} {Table} is not loaded"; yield break; }
        foreach (var set in want.Where(i => i.Kind is "set" or "map"))
        {
            var old = have.FirstOrDefault(i => i.Kind == set.Kind && i.Name == set.Name);
            if (old is null) { yield return $"{set.Kind} {set.Name}: missing"; continue; }
            var before = Elements(old.Body);
            var after = Elements(set.Body);
            var added = after.Except(before).ToList();
            var removed = before.Except(after).ToList();
            if (added.Count > 0) yield return $"{set.Kind} {set.Name}: add {string.Join(", ", added)}";
            if (removed.Count > 0) yield return $"{set.Kind} {set.Name}: remove {string.Join(", ", removed)}";
            if (added.Count == 0 && removed.Count == 0 && old.Json != set.Json) yield return $"{set.Kind} {set.Name}: its type or flags differ";
        }
        foreach (var gone in have.Where(i => i.Kind is "set" or "map" or "chain" && !want.Any(w => w.Kind == i.Kind && w.Name == i.Name)))
            yield return $"{gone.Kind} {gone.Name}: not in the policy";
        foreach (var chain in want.Where(i => i.Kind == "chain"))
        {
            var old = have.FirstOrDefault(i => i.Kind == "chain" && i.Name == chain.Name);
            if (old is null) { yield return $"chain {chain.Name}: missing"; continue; }
            if (old.Json != chain.Json) yield return $"chain {chain.Name}: its hook, priority or policy differs";
            var before = have.Where(i => i.Kind == "rule" && i.Chain == chain.Name).Select(i => i.Json).ToList();
            var after = want.Where(i => i.Kind == "rule" && i.Chain == chain.Name).Select(i => i.Json).ToList();
            if (before.SequenceEqual(after, StringComparer.Ordinal)) continue;
            int added = after.Except(before).Count(), removed = before.Except(after).Count();
            yield return $"chain {chain.Name}: {removed} rule{(removed == 1 ? "" : "s")} to remove, {added} to add{(added == 0 && removed == 0 ? ", the order differs" : "")}";
        }
    }

    /// <summary>A set's elements as text: a prefix as a/len, a range as a-b, anything else as its JSON.</summary>
    private static HashSet<string> Elements(JsonObject set)
    {
        var elements = new HashSet<string>(StringComparer.Ordinal);
        if (set["elem"] is not JsonArray array) return elements;
        foreach (var element in array)
        {
            elements.Add(element switch
            {
                JsonObject { Count: 1 } o when o["prefix"] is JsonObject p => $"{p["addr"]}/{p["len"]}",
                JsonObject { Count: 1 } o when o["range"] is JsonArray r && r.Count == 2 => $"{r[0]}-{r[1]}",
                JsonValue v => v.ToJsonString().Trim('"'),
                _ => element?.ToJsonString() ?? "null",
            });
        }
        return elements;
    }
}
