using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using PolicyKit.Compiler;
using PolicyKit.Mpolc.Commands;
using Microsoft.VisualStudio.Threading;
using StreamJsonRpc;

namespace PolicyKit.Mpolc.Lsp;

/// <summary>
/// <c>mpolc lsp</c>: the language server, over stdin/stdout (docs/editor.md). Standard output
/// carries only protocol messages; anything worth telling a person goes to standard error.
/// Exit 0 after shutdown and exit, 1 on exit without shutdown or when the input ends first.
/// </summary>
internal static class LspCommand
{
    /// <summary>
    /// Why the server is left out of the Native AOT build: StreamJsonRpc's System.Text.Json
    /// formatter and its RPC target binding reflect over types at run time.
    /// </summary>
    public const string NotTrimSafe = "mpolc lsp binds JSON-RPC methods and messages by reflection (StreamJsonRpc); it runs in the .NET (JIT) build only.";

    public static Command Create(CliContext context)
    {
        var compilerOptions = new CompilerOptions();
        // Editors' clients (vscode-languageclient) pass --stdio for this transport; it is the only one.
        var stdio = new Option<bool>("--stdio") { Description = "Speak LSP over stdin/stdout (the default and only transport)." };
        var command = new Command("lsp", "Run the language server over stdio: diagnostics as you type, go-to-definition, references, hover, completion (docs/editor.md).");
        compilerOptions.AddTo(command);
        command.Add(stdio);
        command.SetAction(parse => RunWhereSupported(compilerOptions.Read(parse), context.Error));
        return command;
    }

    // The native build cannot bind JSON-RPC by reflection: it says so and where to get a server,
    // instead of failing on the first message. The guard is what makes the suppressions true.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only where dynamic code is supported (the JIT build), which is not trimmed.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded by RuntimeFeature.IsDynamicCodeSupported.")]
    private static int RunWhereSupported(CompilationOptions options, TextWriter log)
    {
        if (RuntimeFeature.IsDynamicCodeSupported) return Run(options, log);
        log.WriteLine("mpolc: error: this mpolc is the native (AOT) build, which has no language server; run `mpolc lsp` from the .NET build (`dotnet tool install PolicyKit.Mpolc`, or `dotnet run --project compiler/mpolc -- lsp`): docs/editor.md");
        return ExitCodes.UsageOrIoError;
    }

    [RequiresUnreferencedCode(NotTrimSafe)]
    [RequiresDynamicCode(NotTrimSafe)]
    private static int Run(CompilationOptions options, TextWriter log)
    {
        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        return Serve(input, output, options, log).GetAwaiter().GetResult();
    }

    [RequiresUnreferencedCode(NotTrimSafe)]
    [RequiresDynamicCode(NotTrimSafe)]
    public static async Task<int> Serve(Stream input, Stream output, CompilationOptions options, TextWriter log)
    {
        var formatter = new SystemTextJsonFormatter();
        formatter.JsonSerializerOptions.PropertyNamingPolicy = LspConstants.Json.PropertyNamingPolicy;
        formatter.JsonSerializerOptions.PropertyNameCaseInsensitive = true;
        formatter.JsonSerializerOptions.DefaultIgnoreCondition = LspConstants.Json.DefaultIgnoreCondition;
        var server = new LanguageServer(options, log);
        using var rpc = new JsonRpc(new LspMessageHandler(input, output, formatter, log))
        {
            // One message at a time, in the order sent: a question after a change sees the change.
            SynchronizationContext = new NonConcurrentSynchronizationContext(sticky: false),
        };
        rpc.AddLocalRpcTarget(server, new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
        server.Rpc = rpc;
        rpc.StartListening();
        var ended = await Task.WhenAny(server.Exited, rpc.Completion.ContinueWith(_ => 1, TaskScheduler.Default));
        return await ended;
    }
}
