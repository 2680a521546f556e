using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>Every semantic check, in one explicit table (no reflection, no registration magic).</summary>
public static class PolicyChecks
{
    public static readonly IReadOnlyList<PolicyCheck> All =
    [
        new MulticastAddressCheck(),
        new SsmSharedTreeCheck(),
        new WarningThresholdCheck(),
        new GroupLimitCapCheck(),
        new CostLimitCheck(),
        new ShadowedRuleCheck(),
        new DeniedRangePermitCheck(),
        new KeyReuseCheck(),
        new KeyLifetimeCheck(),
        new MsdpPeerCheck(),
        new DampingCheck(),
        new BmpTlsCheck(),
        new InlineSecretCheck(),
        new SessionParameterCheck(),
        new GroupEncryptionBootstrapCheck(),
        new BgpNeighborCheck(),
        new OriginValidationCheck(),
        new PlatformSupportCheck(),
        new InterfaceNameCheck(),
        new AuditScopeCheck(),
    ];

    public static void Run(PolicyModel model, CompilationOptions options, DiagnosticBag diagnostics)
    {
        var context = new CheckContext(model, options, diagnostics);
        foreach (var check in All) check.Run(context);
    }
}
