namespace InteractiveSpark.MarathonEmulator;

/// <summary>How the emulator authenticates, where its "agent" is, and where Marathon's schemas are.</summary>
public sealed record MarathonEmulatorOptions
{
    /// <summary>The HTTP basic user it accepts; null with a null <see cref="Token"/>: no authentication.</summary>
    public string? User { get; init; }

    /// <summary>That user's password.</summary>
    public string? Password { get; init; }

    /// <summary>A token it accepts as <c>Authorization: token=...</c> (DC/OS style).</summary>
    public string? Token { get; init; }

    /// <summary>A basic user who authenticates but may do nothing (every request: 403).</summary>
    public string? ForbiddenUser { get; init; }

    /// <summary>The forbidden user's password.</summary>
    public string? ForbiddenPassword { get; init; }

    /// <summary>The host name tasks report and get as <c>HOST</c> (the one "agent": this machine). Default <c>localhost</c>.</summary>
    public string AgentHost { get; init; } = "localhost";

    /// <summary>
    /// Opt-in multi-agent mode: the agents tasks are placed on, round-robin across every app's tasks (an app's
    /// <c>hostname:UNIQUE</c> constraint is honoured: an instance waits while every agent has one of that app). Each
    /// task joins its agent's network namespace and gets the agent's address as <c>HOST</c> and as its reported host.
    /// Null or empty: one agent, <see cref="AgentHost"/>, with the host's network.
    /// </summary>
    public IReadOnlyList<MarathonEmulatorAgent>? Agents { get; init; }

    /// <summary>The Docker engine; null: <c>DOCKER_HOST</c>, else the local socket.</summary>
    public string? DockerEndpoint { get; init; }

    /// <summary>Where <c>app.schema.json</c> and <c>task.schema.json</c> are; null: <c>../shared/marathon</c>.</summary>
    public string? SchemaDirectory { get; init; }

    /// <summary>How long a lost task stays listed as <c>TASK_LOST</c> before Marathon replaces it. Default 5 s.</summary>
    public TimeSpan LostTaskVisibleFor { get; init; } = TimeSpan.FromSeconds(5);
}
