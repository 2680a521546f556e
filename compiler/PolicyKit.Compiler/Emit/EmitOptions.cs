namespace PolicyKit.Compiler.Emit;

/// <summary>Options of <c>mpolc compile</c> that change what is written.</summary>
public sealed record EmitOptions
{
    /// <summary>--redact: secrets are replaced by a placeholder (for review; never for deployment).</summary>
    public bool Redact { get; init; }

    /// <summary>Where env("X") secrets come from (the process environment by default; tests pass their own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>
    /// How many devices are emitted at once (null: as many as there are cores; 1: one after the
    /// other). The output is the same either way; benchmarks use it to measure one core.
    /// </summary>
    public int? MaxParallelism { get; init; }
}
