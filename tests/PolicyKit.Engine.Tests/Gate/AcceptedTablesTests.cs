using System.Text;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Format;
using PolicyKit.Tables.Model;
using PolicyKit.Tables.Tests;

namespace PolicyKit.Engine.Tests.Gate;

/// <summary>
/// Whatever the table reader accepts, the engine can use: it compiles and decides without an
/// exception. The reader is the gate; the engine trusts it (issue 14, finding 1).
/// </summary>
public sealed class AcceptedTablesTests
{
    private const int Iterations = 3000;

    private static List<byte[]> Seeds()
    {
        var seeds = new List<byte[]>();
        foreach (string example in Directory.GetFiles(Path.Combine(EngineRepo.Root, "policies", "examples"), "*.mpol").Order(StringComparer.Ordinal))
        {
            var check = PolicyCompiler.Check(example, new CompilationOptions { Today = EnginePolicy.Today });
            Assert.True(check.Model is not null, example);
            foreach (var device in check.Model!.Devices) seeds.Add(TableWriter.Write(new AgentTableBuilder(check.Model, device).Build()));
        }
        return seeds;
    }

    [Fact]
    public void A_forged_table_naming_an_interface_twice_never_reaches_the_engine()
    {
        var minimal = TableReader.Read(TableWriter.Write(new AdmissionTable(
            new TableHeader("r1", "frr", "", ""), [], [], [], [],
            new RouterEntry(-1, -1, -1, null, null, -1, RangeSet.Any, -1, -1, -1),
            [new InterfaceEntry("ge-0/0/1", null, null, [], -1, -1), new InterfaceEntry("ge-0/0/2", null, null, [], -1, -1)], [], [], null, null)));
        byte[] bytes = TableWriter.Write(minimal);
        int at = bytes.AsSpan().IndexOf("ge-0/0/2"u8);
        "ge-0/0/1"u8.CopyTo(bytes.AsSpan(at));
        bytes = TableMutator.Repair(bytes);
        var e = Assert.Throws<TableFormatException>(() => TableReader.Load(bytes));
        Assert.StartsWith("invalid table: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Every_mutant_the_reader_accepts_compiles_and_decides(int seed)
    {
        var seeds = Seeds();
        var random = new Random(seed);
        int accepted = 0;
        var failures = new StringBuilder();
        for (int i = 0; i < Iterations && failures.Length == 0; i++)
        {
            byte[] mutant = TableMutator.Mutate(random, seeds[random.Next(seeds.Count)], repair: random.Next(4) != 0);
            AdmissionTable table;
            try
            {
                table = TableReader.Read(mutant);
            }
            catch (TableFormatException)
            {
                continue;
            }
            accepted++;
            try
            {
                var compiled = CompiledTable.Build(table);
                Assert.True(TableExercise.Run(compiled, compiled) > 0);
            }
#pragma warning disable CA1031 // any exception is the finding; report it with the input
            catch (Exception e)
            {
                failures.Append($"mutant {i} (seed {seed}) was accepted by the reader but the engine threw {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(mutant)}");
            }
#pragma warning restore CA1031
        }
        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(accepted > Iterations / 20, $"only {accepted} of {Iterations} mutants were accepted: the run tests too little");
    }
}

internal static class EngineRepo
{
    public static string Root
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "PolicyKit.sln"))) return d.FullName;
            }
            throw new InvalidOperationException("PolicyKit.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
