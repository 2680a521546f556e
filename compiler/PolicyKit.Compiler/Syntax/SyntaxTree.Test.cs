using System.Collections.Immutable;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Syntax;

// Test blocks (docs/questions.md, "mpolc test"): not part of the policy's meaning — no emitter
// reads them — but checked with it, so a test naming a device that is gone is an error.

/// <summary>One step of a test: events (the event language of mpolc explain), run <see cref="Repeat"/> times with {n} = 1…Repeat; an expectation when <see cref="Expect"/> is set.</summary>
public sealed record TestStepSyntax(string Events, SourceSpan EventsSpan, int Repeat, RuleAction? Expect, string? Because, SourceSpan? BecauseSpan, string? By, SourceSpan Span);

/// <summary><c>test "TITLE" device NAME { … }</c>. Its name is the title; tests have no namespace of their own and are never looked up by name.</summary>
public sealed record TestDeclSyntax(NameSyntax Name, NameSyntax Device, ImmutableArray<TestStepSyntax> Steps, SourceSpan Span) : DeclarationSyntax(Name, Span);
