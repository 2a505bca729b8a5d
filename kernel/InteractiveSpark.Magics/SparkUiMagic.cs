using System.Globalization;
using System.Net;
using InteractiveSpark.Sessions;

namespace InteractiveSpark.Magics;

/// <summary><c>#!spark-ui --name N</c>: a link to the session's Spark UI (through its gateway for a session the notebook started).</summary>
public static class SparkUiMagic
{
    /// <summary>The magic as typed.</summary>
    public const string Name = "#!spark-ui";

    /// <summary>What it does, as front ends describe it.</summary>
    public const string Description = "Shows a link to a Spark session's UI (for a Docker session, a one-time login link through its gateway)";

    /// <summary>The options, declared once for every host.</summary>
    public static IReadOnlyList<MagicOption> Options { get; } =
    [
        new("--name", "The session") { IsRequired = true, IsSessionName = true },
    ];

    /// <summary>The usage line of <c>-h</c>.</summary>
    public static string Usage => $"{Name} --name N";

    /// <summary>
    /// The link to <paramref name="open"/>'s UI; a session without one, or a gateway that refuses, is a
    /// <see cref="SparkMagicException"/> with the reason.
    /// </summary>
    public static async Task<MagicDisplay> LinkAsync(OpenSparkSession open, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (open.Ui() is not { } ui)
        {
            throw new SparkMagicException($"{open.Name}: its server ({open.Where}) did not advertise a Spark UI.");
        }

        SessionUiLink link;
        try
        {
            link = await ui.GetLinkAsync(cancellation).ConfigureAwait(false);
        }
        catch (SessionToolException e)
        {
            throw new SparkMagicException(e.Message, e);
        }

        var url = link.Uri.ToString();
        var note = link.ExpiresIn is { } ttl
            ? $" (one-time login link: it expires in {Minutes(ttl)} and works once; run {Name} again for a new one)"
            : "";
        return new MagicDisplay(
            $"Spark UI of {open.Name}: {url}{note}",
            $"<a href=\"{WebUtility.HtmlEncode(url)}\" target=\"_blank\" rel=\"noopener\">Spark UI of {WebUtility.HtmlEncode(open.Name)}</a>{WebUtility.HtmlEncode(note)}");
    }

    private static string Minutes(TimeSpan ttl) =>
        ttl.TotalSeconds % 60 == 0 && ttl.TotalMinutes >= 1
            ? $"{ttl.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minute{(ttl.TotalMinutes == 1 ? "" : "s")}"
            : $"{ttl.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds";
}
