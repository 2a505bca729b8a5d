namespace InteractiveSpark.MarathonEmulator;

/// <summary>
/// One emulated Mesos agent of the multi-agent mode: a network namespace of its own (the one of a holder container the
/// test made, joined by every task placed here with Docker's <c>container:</c> network mode) with its own address.
/// </summary>
/// <param name="Host">The agent's address: what its tasks get as <c>HOST</c> and what Marathon reports as their host.</param>
/// <param name="NetworkContainer">The name or id of the container whose network namespace the agent's tasks join.</param>
public sealed record MarathonEmulatorAgent(string Host, string NetworkContainer);
