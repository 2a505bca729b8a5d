using System.Security.Cryptography;
using System.Text;

namespace InteractiveSpark.Sessions.Launch;

/// <summary>
/// A session's own secrets for Spark's internal traffic and UIs, and the Spark settings that use them: RPC
/// authentication (<c>spark.authenticate</c>) and encryption (<c>spark.network.crypto.enabled</c>), shuffle and spill
/// encryption (<c>spark.io.encryption.enabled</c>), and the UI filter that lets only the gateway in. The settings
/// (secrets included) go to the containers as a properties file (<see cref="Render"/>), never on a command line or in
/// an environment variable; Spark redacts these keys in its UI.
/// </summary>
public sealed class SparkSessionSecurity
{
    /// <summary>The filter class of the driver image that checks <see cref="UiSecret"/> on every UI request.</summary>
    public const string UiFilterClass = "org.interactivespark.UiSecretFilter";

    /// <summary>Spark's redaction pattern, extended: settings whose key matches are shown redacted in the UI.</summary>
    public const string RedactionRegex = "(?i)secret|password|token|access[.]?key|credential|private[.]?key|account[.]?key|passphrase";

    private SparkSessionSecurity(string authSecret, string uiSecret)
    {
        AuthSecret = authSecret;
        UiSecret = uiSecret;
    }

    /// <summary>The secret the driver, master, workers and executors authenticate each other with (256 random bits, hex).</summary>
    public string AuthSecret { get; }

    /// <summary>The secret Spark's UIs ask for; only the gateway adds it (256 random bits, hex; not the RPC secret, so a UI request seen on the wire does not give the RPC secret).</summary>
    public string UiSecret { get; }

    /// <summary>Fresh secrets for one session.</summary>
    public static SparkSessionSecurity New() => new(
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    /// <summary>The settings every Spark process of the session needs (driver, master, workers).</summary>
    /// <param name="encrypt">Encrypt RPC, block transfers, shuffle and spill (default); false only to measure what it costs (authentication stays on).</param>
    public IReadOnlyList<KeyValuePair<string, string>> Settings(bool encrypt = true) =>
    [
        new("spark.authenticate", "true"),
        new("spark.authenticate.secret", AuthSecret),
        new("spark.network.crypto.enabled", encrypt ? "true" : "false"),
        new("spark.io.encryption.enabled", encrypt ? "true" : "false"),
        new("spark.master.rest.enabled", "false"),
        new("spark.redaction.regex", RedactionRegex),
        new("spark.ui.filters", UiFilterClass),
        new($"spark.{UiFilterClass}.param.secret", UiSecret),
    ];

    /// <summary>
    /// A Java properties file (UTF-8, as Spark's <c>--properties-file</c> reads it) with <paramref name="conf"/> first and
    /// <see cref="Settings"/> after, so that a user's value cannot turn the session's security off.
    /// </summary>
    /// <param name="conf">The user's settings.</param>
    /// <param name="encrypt">See <see cref="Settings"/>.</param>
    public string Render(IEnumerable<KeyValuePair<string, string>> conf, bool encrypt = true)
    {
        var text = new StringBuilder("# This session's Spark settings (secrets included): readable by the spark user only.\n");
        foreach (var (key, value) in conf.Concat(Settings(encrypt)))
        {
            text.Append(Escape(key, isKey: true)).Append('=').Append(Escape(value, isKey: false)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>java.util.Properties escaping: backslash, line breaks, separators and comment marks; a leading space kept.</summary>
    private static string Escape(string text, bool isKey)
    {
        var s = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\': s.Append(@"\\"); break;
                case '\n': s.Append(@"\n"); break;
                case '\r': s.Append(@"\r"); break;
                case '\t': s.Append(@"\t"); break;
                case '\f': s.Append(@"\f"); break;
                case '=' or ':' when isKey: s.Append('\\').Append(c); break;
                case ' ' when isKey || i == 0: s.Append(@"\ "); break;
                case '#' or '!' when i == 0: s.Append('\\').Append(c); break;
                default: s.Append(c); break;
            }
        }

        return s.ToString();
    }
}
