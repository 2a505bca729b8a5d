namespace InteractiveSpark.Magics;

/// <summary>One option of a magic as every host declares it: name, help text, whether it is a flag or repeatable.</summary>
/// <param name="Name">The option as typed, e.g. <c>--url</c>.</param>
/// <param name="Description">The help text.</param>
public sealed record MagicOption(string Name, string Description)
{
    /// <summary>True for an option that takes no value (<c>--allow-http-marathon</c>).</summary>
    public bool IsFlag { get; init; }

    /// <summary>How often the option may be given (above 1: repeatable, as <c>--conf</c>).</summary>
    public int MaxOccurrences { get; init; } = 1;

    /// <summary>True for an option the magic cannot do without (<c>--topic</c> of <c>#!kafka-sample</c>).</summary>
    public bool IsRequired { get; init; }

    /// <summary>True for an option whose value is the name of an open session (front ends offer the open ones).</summary>
    public bool IsSessionName { get; init; }

    /// <summary>The values a front end offers while typing, if any.</summary>
    public IReadOnlyList<string> Completions { get; init; } = [];
}
