using System.Security.Claims;
using System.Text.Encodings.Web;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The gateway's one authentication scheme: the session token as a bearer token (gRPC and HTTP), or for the UI and
/// the logs in a browser, the cookie <c>/login</c> issued. A refused request gets a gRPC UNAUTHENTICATED or an HTTP
/// 401 that says what is missing, and a line in the log (<see cref="RefusalLog"/>: bounded in rate and size).
/// </summary>
internal sealed class SessionTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    TokenGuard guard,
    RefusalLog refusals,
    PreAuthConnections connections)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "SessionToken";

    private const string WrongToken = "wrong session token";

    // One principal for every authenticated request: the session has one user, and allocating none keeps the hot path lean.
    private static readonly AuthenticationTicket Session = new(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "session")], SchemeName)), SchemeName);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var request = Request;
        var presented = BearerToken(request);
        var ok = guard.IsSessionToken(presented);
        if (!ok && presented is null && !GrpcWire.IsGrpc(request) && (request.Path.StartsWithSegments("/ui") || request.Path.StartsWithSegments("/logs")))
        {
            ok = guard.IsCookie(request.Cookies[TokenGuard.CookieName]);
        }

        if (ok)
        {
            connections.Authenticated(Context);
            return Task.FromResult(AuthenticateResult.Success(Session));
        }

        return Task.FromResult(presented is null ? AuthenticateResult.NoResult() : AuthenticateResult.Fail(WrongToken));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var why = result.Failure is not null ? WrongToken : "no session token";
        refusals.Refused(Context, why);
        if (GrpcWire.IsGrpc(Request))
        {
            await GrpcWire.WriteStatusAsync(Context, StatusCode.Unauthenticated,
                $"The InteractiveSpark gateway refused the call: {why}. Connect with the session's token (token=... in the sc:// connection string) and pin the gateway's certificate.")
                .ConfigureAwait(false);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Response.WriteAsync(
            $"401 Unauthorized: {why}. Send 'Authorization: Bearer <session token>', or open /login?token=<session token> (or a one-time link from POST /login/ticket) in the browser first.\n",
            Context.RequestAborted).ConfigureAwait(false);
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return null;
        }

        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : header;
    }
}

/// <summary>Registers the session-token scheme and makes it required everywhere but where an endpoint says <c>AllowAnonymous</c>.</summary>
internal static class SessionTokenAuthentication
{
    /// <summary>Adds the scheme, and an authorization fallback policy that requires it (also for paths no endpoint matches).</summary>
    public static IServiceCollection AddSessionTokenAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(SessionTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionTokenAuthenticationHandler>(SessionTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(SessionTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        return services;
    }
}
