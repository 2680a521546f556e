using System.Security.Cryptography;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Engine.Compiled;
using PolicyKit.Engine.Tests.Gate;
using PolicyKit.Tables.Format;
using PolicyKit.Tables.Tests;

namespace PolicyKit.Bench.Fuzz;

/// <summary>
/// Mutants of the example policies' tables (bit flips, random bytes, inserts, deletes,
/// truncation, varint edge values, repeated slices; three in four with the framing repaired so
/// the parser and structural checks are reached) through the path of the agent and
/// <c>mpolc inspect</c>: <see cref="TableReader.Load"/> (a quarter with a trusted key), then for
/// an accepted table <see cref="CompiledTable.TryBuild"/> — which must succeed, or the gate
/// missed something (a finding) — every kind of engine event (<see cref="TableExercise"/>) and
/// both renderings.
/// </summary>
internal sealed class TableTarget : IFuzzTarget
{
    private readonly List<byte[]> _seeds = [];
    private readonly TableVerifier _verifier;

    public TableTarget()
    {
        string root = PolicyTarget.RepoRoot();
        foreach (string example in Directory.GetFiles(Path.Combine(root, "policies", "examples"), "*.mpol").Order(StringComparer.Ordinal))
        {
            var check = PolicyCompiler.Check(example, new CompilationOptions { Today = new DateOnly(2026, 11, 23) });
            foreach (var device in check.Model?.Devices ?? []) _seeds.Add(TableWriter.Write(new AgentTableBuilder(check.Model!, device).Build()));
        }
        // A fixed key, so the signed seeds are the same in every run with the same seed.
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = SHA256.HashData("policykit fuzz signing key"u8),
        });
        using var signer = TableSigner.FromKey(key);
        _verifier = TableVerifier.FromPem([key.ExportSubjectPublicKeyInfoPem()]);
        int unsigned = _seeds.Count;
        for (int i = 0; i < unsigned; i += 3) _seeds.Add(signer.Sign(TableWriter.WithSerial(_seeds[i], 1_800_000_000 + i)));
    }

    public string Name => "tables";

    public string Corpus => $"mutants of {_seeds.Count} tables (every device of the example policies, a third of them also signed with a serial)";

    private (byte[] Mutant, bool Verify) Mutant(int seed, long index)
    {
        var random = new Random(unchecked(seed * 1_000_003 + (int)index));
        byte[] original = _seeds[random.Next(_seeds.Count)];
        byte[] mutant = TableMutator.Mutate(random, original, repair: random.Next(4) != 0);
        return (mutant, random.Next(4) == 0);
    }

    public void One(int seed, long index, FuzzStats stats)
    {
        var (mutant, verify) = Mutant(seed, index);
        LoadedTable loaded;
        try
        {
            loaded = TableReader.Load(mutant, verify ? _verifier : null);
        }
        catch (TableFormatException e)
        {
            stats.Count("refused: " + e.Error);
            return;
        }
        if (!CompiledTable.TryBuild(loaded.Table, out var compiled, out string error))
        {
            stats.Findings++;
            FuzzCampaign.Save(Name, seed, index, "gate-miss", $"accepted by the reader, refused by the engine: {error}\n{Convert.ToHexString(mutant)}");
            return;
        }
        TableExercise.Run(compiled!, compiled);
        _ = TableText.Render(loaded.Table, loaded.File);
        _ = TableJson.Render(loaded.Table, loaded.File);
        stats.Count("accepted");
    }

    public string Describe(int seed, long index) => Convert.ToHexString(Mutant(seed, index).Mutant);

    public string Summary(FuzzStats stats) => $"outcomes: {stats.Describe()}";
}
