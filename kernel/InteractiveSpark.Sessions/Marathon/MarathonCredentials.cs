using System.Text;

namespace InteractiveSpark.Sessions.Marathon;

/// <summary>
/// How the launcher authenticates to Marathon: HTTP basic (a user and a password) or a token header
/// (<c>Authorization: token=...</c>, as DC/OS's Marathon expects). Read from the environment or from files, never
/// from a URL or a command line (those end up in shell histories and notebooks). <see cref="ToString"/> names the
/// kind and the user only: the secret never appears in a message, a log or an exception.
/// </summary>
public sealed class MarathonCredentials
{
    private readonly string _header;

    private MarathonCredentials(string header, string description)
    {
        _header = header;
        Description = description;
    }

    /// <summary>What they are, without the secret, e.g. <c>basic (user alice)</c> or <c>token</c>.</summary>
    public string Description { get; }

    /// <summary>HTTP basic credentials.</summary>
    public static MarathonCredentials Basic(string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (user.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A Marathon user name cannot contain ':' (HTTP basic authentication).", nameof(user));
        }

        return new MarathonCredentials("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)), $"basic (user {user})");
    }

    /// <summary>A token sent as <c>Authorization: {scheme} {token}</c>; the default scheme <c>token=</c> sends DC/OS's <c>Authorization: token=...</c>.</summary>
    public static MarathonCredentials Token(string token, string scheme = "token=")
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        if (token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException("A Marathon token cannot contain spaces or control characters.", nameof(token));
        }

        return scheme.EndsWith('=')
            ? new MarathonCredentials(scheme + token, "token")
            : new MarathonCredentials(scheme + " " + token, $"token ({scheme})");
    }

    /// <summary>
    /// From the environment: <c>ISPARK_MARATHON_TOKEN</c> or <c>ISPARK_MARATHON_TOKEN_FILE</c> (a token);
    /// <c>ISPARK_MARATHON_USER</c> with <c>ISPARK_MARATHON_PASSWORD</c> or <c>ISPARK_MARATHON_PASSWORD_FILE</c>; or
    /// <c>ISPARK_MARATHON_CREDENTIALS_FILE</c> holding <c>user:password</c>. Null when none is set (a Marathon without
    /// authentication). Throws <see cref="ArgumentException"/> naming the variable when one is set but unusable.
    /// </summary>
    public static MarathonCredentials? FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? Env(string name) => environment(name) is { Length: > 0 } v ? v : null;
        if (Env("ISPARK_MARATHON_TOKEN") is { } token)
        {
            return Token(token.Trim());
        }

        if (Env("ISPARK_MARATHON_TOKEN_FILE") is { } tokenFile)
        {
            return Token(ReadSecretFile(tokenFile, "ISPARK_MARATHON_TOKEN_FILE"));
        }

        if (Env("ISPARK_MARATHON_CREDENTIALS_FILE") is { } credentialsFile)
        {
            var text = ReadSecretFile(credentialsFile, "ISPARK_MARATHON_CREDENTIALS_FILE");
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == text.Length - 1)
            {
                throw new ArgumentException($"ISPARK_MARATHON_CREDENTIALS_FILE ({credentialsFile}) must hold user:password on one line.");
            }

            return Basic(text[..colon], text[(colon + 1)..]);
        }

        if (Env("ISPARK_MARATHON_USER") is { } user)
        {
            var password = Env("ISPARK_MARATHON_PASSWORD")
                ?? (Env("ISPARK_MARATHON_PASSWORD_FILE") is { } passwordFile ? ReadSecretFile(passwordFile, "ISPARK_MARATHON_PASSWORD_FILE") : null)
                ?? throw new ArgumentException("ISPARK_MARATHON_USER is set but neither ISPARK_MARATHON_PASSWORD nor ISPARK_MARATHON_PASSWORD_FILE is.");
            return Basic(user, password);
        }

        return null;
    }

    /// <summary>Adds the <c>Authorization</c> header (without validation: <c>token=...</c> is not a standard scheme).</summary>
    internal void Apply(HttpRequestMessage request) => request.Headers.TryAddWithoutValidation("Authorization", _header);

    /// <inheritdoc />
    public override string ToString() => Description;

    private static string ReadSecretFile(string path, string variable)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length > 0 ? text : throw new ArgumentException($"{variable} names an empty file ({path}).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The message says which file, never what is in it.
            throw new ArgumentException($"Cannot read {variable} ({path}): {e.Message}", e);
        }
    }
}
