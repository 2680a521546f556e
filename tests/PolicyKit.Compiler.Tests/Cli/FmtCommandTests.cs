using PolicyKit.Compiler.Formatting;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary><c>mpolc fmt</c>: idempotent, comment-preserving, the shipped policies already formatted, --check for CI.</summary>
public sealed class FmtCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mpolc-fmt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> ShippedPolicies()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Examples, "*.mpol*").Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).Concat(Directory.GetFiles(RepoPaths.Std, "*.mpol")).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        return data;
    }

    /// <summary>
    /// Every shipped policy is formatted; stripped of all indentation and with doubled blank lines
    /// it formats back to exactly itself — so formatting never changes a token (the compiled
    /// output of the formatted text is that of the original: it is the same text) — and
    /// formatting twice is formatting once.
    /// </summary>
    [Theory]
    [MemberData(nameof(ShippedPolicies))]
    public void Shipped_policies_are_formatted_and_format_back_from_a_mess(string relative)
    {
        string text = File.ReadAllText(Path.Combine(RepoPaths.Root, relative)).ReplaceLineEndings("\n");
        Assert.Equal(text, PolicyFormatter.Format(text));
        string mess = string.Join("\n", text.Split('\n').Select(l => l.Trim().Length == 0 ? "\n" : "\t " + l.TrimStart() + "  ")) + "\n\n";
        string formatted = PolicyFormatter.Format(mess);
        Assert.Equal(text, formatted);
        Assert.Equal(formatted, PolicyFormatter.Format(formatted));
    }

    [Fact]
    public void Indents_by_braces_keeps_comments_and_the_alignment_inside_lines()
    {
        const string mess = """


            // header comment
            groups tv {232.1.0.0/16;   // trailing, aligned
            }
            /* a block comment
                  keeps its own layout */
                  device r platform linux {
            interface "eth0" {   # hash comment
              igmp { limit 2; }      // two
                    }



            }
            """;
        string formatted = PolicyFormatter.Format(mess);
        Assert.Equal("""
            // header comment
            groups tv {232.1.0.0/16;   // trailing, aligned
            }
            /* a block comment
                  keeps its own layout */
            device r platform linux {
                interface "eth0" {   # hash comment
                    igmp { limit 2; }      // two
                }

            }

            """, formatted);
        Assert.Equal(formatted, PolicyFormatter.Format(formatted));
    }

    [Fact]
    public void Check_lists_unformatted_files_with_exit_4_and_changes_nothing_then_fmt_rewrites()
    {
        string path = Path.Combine(_dir, "p.mpol");
        const string mess = "groups tv {\n232.1.0.0/16;\n}\n";
        File.WriteAllText(path, mess);
        var run = MpolcRunner.Run("fmt", "--check", path);
        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("p.mpol: not formatted", run.Stdout);
        Assert.Equal(mess, File.ReadAllText(path));

        run = MpolcRunner.Run("fmt", path);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("groups tv {\n    232.1.0.0/16;\n}\n", File.ReadAllText(path));
        run = MpolcRunner.Run("fmt", "--check", path);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public void A_file_with_syntax_errors_is_left_alone_with_exit_1()
    {
        string path = Path.Combine(_dir, "broken.mpol");
        const string broken = "groups tv {\n232.1.0.0/16\n";
        File.WriteAllText(path, broken);
        var run = MpolcRunner.Run("fmt", path);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("MP1001", run.Stderr);
        Assert.Equal(broken, File.ReadAllText(path));
    }
}
