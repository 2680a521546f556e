namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>The outcomes of one packet, collected under the engine lock and handed to the observer after it.</summary>
internal sealed class OutcomeBuffer
{
    public readonly List<MembershipOutcome> Memberships = [];
    public readonly List<FlowOutcome> Flows = [];
    public readonly List<OutputOutcome> Outputs = [];
    public readonly List<QueryOutcome> Queries = [];
    public readonly List<EnforcementProblem> Problems = [];

    public void Clear()
    {
        Memberships.Clear();
        Flows.Clear();
        Outputs.Clear();
        Queries.Clear();
        Problems.Clear();
    }

    /// <summary>Hands everything to <paramref name="observer"/>; returns how many calls threw.</summary>
    public int Deliver(IEnforcementObserver? observer)
    {
        if (observer is null) return 0;
        int errors = 0;
        foreach (var o in Memberships) errors += Try(() => observer.OnMembership(o));
        foreach (var o in Flows) errors += Try(() => observer.OnFlow(o));
        foreach (var o in Outputs) errors += Try(() => observer.OnOutput(o));
        foreach (var o in Queries) errors += Try(() => observer.OnQuery(o));
        foreach (var o in Problems) errors += Try(() => observer.OnProblem(o));
        return errors;
    }

    private static int Try(Action call)
    {
        try
        {
            call();
            return 0;
        }
        catch (Exception)
        {
            return 1;
        }
    }
}
