namespace PolicyKit.Nfqueue.Hooks;

/// <summary>Installing or removing the agent's netfilter hooks failed: the command and what it said.</summary>
public sealed class HookException(string message) : Exception(message);
