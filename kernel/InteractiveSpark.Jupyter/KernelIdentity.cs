namespace InteractiveSpark.Jupyter;

/// <summary>What kernel_info_reply says of the kernel itself.</summary>
/// <param name="Implementation">The implementation's name.</param>
/// <param name="Version">Its version.</param>
/// <param name="Banner">The banner a console shows.</param>
/// <param name="HelpLinks">Links the front end's help menu shows (text, url).</param>
public sealed record KernelIdentity(string Implementation, string Version, string Banner, IReadOnlyList<(string Text, string Url)> HelpLinks)
{
    /// <summary>InteractiveSpark's kernel.</summary>
    public static KernelIdentity Default { get; } = new(
        "interactivespark",
        typeof(KernelIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.1.0",
        "C# (InteractiveSpark): C# cells with Spark Connect sessions, Kafka and charts.",
        []);
}
