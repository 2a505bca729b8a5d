using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InteractiveSpark.Sessions.Marathon;

/// <summary>
/// A small client of Marathon's REST API v2 (the parts a launcher needs): create an app or a group, follow a
/// deployment, read an app's tasks and last task failure, remove a group. Every call has a timeout and a
/// <see cref="CancellationToken"/>; every refusal becomes a <see cref="MarathonException"/> with Marathon's own message.
/// Written on <see cref="HttpClient"/> by hand: no maintained .NET client for Marathon exists (the project is archived),
/// and the launcher needs six endpoints.
/// </summary>
public sealed class MarathonClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly MarathonCredentials? _credentials;

    /// <summary>A client of the Marathon at <paramref name="baseUri"/> (e.g. <c>http://marathon.mesos:8080</c>).</summary>
    /// <param name="baseUri">Marathon's address; must not carry credentials (use <paramref name="credentials"/>).</param>
    /// <param name="credentials">How to authenticate; null for a Marathon without authentication.</param>
    /// <param name="requestTimeout">How long one request may take. Default 30 s.</param>
    /// <param name="handler">The HTTP handler (e.g. with a cluster CA); null for a default one.</param>
    /// <param name="allowHttp">Accept an <c>http://</c> Marathon on another host (see <see cref="RequireHttps"/>).</param>
    public MarathonClient(Uri baseUri, MarathonCredentials? credentials = null, TimeSpan? requestTimeout = null, HttpMessageHandler? handler = null, bool allowHttp = false)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        if (!baseUri.IsAbsoluteUri || baseUri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The Marathon URL must be http(s)://host:port; got '{baseUri.GetLeftPart(UriPartial.Authority)}'.", nameof(baseUri));
        }

        RequireHttps(baseUri, allowHttp);

        if (baseUri.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                "Put no credentials in the Marathon URL (they would be shown and logged): set ISPARK_MARATHON_USER and ISPARK_MARATHON_PASSWORD(_FILE), or ISPARK_MARATHON_TOKEN(_FILE).",
                nameof(baseUri));
        }

        BaseUri = Normalize(baseUri);
        _credentials = credentials;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) }, disposeHandler: true)
        {
            Timeout = requestTimeout ?? TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Marathon's address.</summary>
    public Uri BaseUri { get; }

    /// <summary>The environment variable that allows an <c>http://</c> Marathon on another host (<c>1</c> or <c>true</c>).</summary>
    public const string AllowHttpVariable = "ISPARK_ALLOW_HTTP_MARATHON";

    /// <summary>
    /// Refuses an <c>http://</c> Marathon on another host unless <paramref name="allowHttp"/> or <see cref="AllowHttpVariable"/>
    /// says so: over cleartext HTTP, whoever sits on the path reads Marathon's credentials and every app definition (the
    /// session token's hash, which keys the gateway's pin proof) and can change Marathon's answers. A loopback address
    /// never leaves this host and is accepted.
    /// </summary>
    public static void RequireHttps(Uri baseUri, bool allowHttp)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        var allowed = allowHttp || Environment.GetEnvironmentVariable(AllowHttpVariable) is "1" or "true";
        if (baseUri.Scheme == "http" && !baseUri.IsLoopback && !allowed)
        {
#pragma warning disable CA2208 // the message is the user's one line; a parameter name would add "(Parameter 'baseUri')"
            throw new ArgumentException(
                $"Marathon at {baseUri.GetLeftPart(UriPartial.Authority)} is plain http://: its credentials, the session's app definition (with the token hash the gateway's pin proof rests on) and Marathon's answers would cross the network unencrypted and unauthenticated. "
                + $"Use https://, or accept this with --allow-http-marathon ({AllowHttpVariable}=1).");
#pragma warning restore CA2208
        }
    }

    /// <summary>A Marathon URL as the client uses it: scheme, host, port and path with one trailing slash, no query.</summary>
    public static Uri Normalize(Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        return new Uri(baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    /// <summary><c>GET /v2/info</c>: Marathon's name and version (checks the address and the credentials).</summary>
    public async Task<(string Name, string Version)> InfoAsync(CancellationToken cancellationToken = default)
    {
        var json = await SendAsync(HttpMethod.Get, "v2/info", null, cancellationToken).ConfigureAwait(false);
        return (json?["name"]?.GetValue<string>() ?? "marathon", json?["version"]?.GetValue<string>() ?? "?");
    }

    /// <summary><c>POST /v2/apps</c>: creates an app (groups in its id are created as needed); returns the deployment that starts it.</summary>
    public async Task<string> CreateAppAsync(JsonObject app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var json = await SendAsync(HttpMethod.Post, "v2/apps", app, cancellationToken).ConfigureAwait(false);
        return json?["deployments"]?.AsArray().Select(d => d?["id"]?.GetValue<string>()).FirstOrDefault(d => d is not null)
            ?? throw new MarathonException($"Marathon at {BaseUri.Authority} created {app["id"]} but named no deployment.");
    }

    /// <summary><c>POST /v2/groups</c>: creates a group with its apps; returns the deployment.</summary>
    public async Task<string> CreateGroupAsync(JsonObject group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        var json = await SendAsync(HttpMethod.Post, "v2/groups", group, cancellationToken).ConfigureAwait(false);
        return json?["deploymentId"]?.GetValue<string>() ?? throw new MarathonException($"Marathon at {BaseUri.Authority} created group {group["id"]} but named no deployment.");
    }

    /// <summary><c>GET /v2/deployments</c>: the ids of the deployments still running.</summary>
    public async Task<IReadOnlyList<string>> DeploymentIdsAsync(CancellationToken cancellationToken = default)
    {
        var json = await SendAsync(HttpMethod.Get, "v2/deployments", null, cancellationToken).ConfigureAwait(false);
        return json is JsonArray array ? array.Select(d => d?["id"]?.GetValue<string>()).OfType<string>().ToList() : [];
    }

    /// <summary><c>GET /v2/apps/{id}/tasks</c>: the app's tasks (empty when the app has none yet).</summary>
    public async Task<IReadOnlyList<MarathonTask>> TasksAsync(string appId, CancellationToken cancellationToken = default)
    {
        var json = await SendAsync(HttpMethod.Get, "v2/apps" + Path(appId) + "/tasks", null, cancellationToken).ConfigureAwait(false);
        var tasks = json?["tasks"] as JsonArray ?? [];
        return tasks.OfType<JsonObject>().Select(t => new MarathonTask(
            t["id"]?.GetValue<string>() ?? "?",
            t["appId"]?.GetValue<string>() ?? appId,
            t["host"]?.GetValue<string>() ?? "?",
            (t["ports"] as JsonArray ?? []).Select(p => p?.GetValue<int>() ?? 0).ToList(),
            t["state"]?.GetValue<string>() ?? "TASK_UNKNOWN")).ToList();
    }

    /// <summary>
    /// <c>GET /v2/apps?label=SELECTOR&amp;embed=apps.tasks&amp;embed=apps.lastTaskFailure</c>: the apps whose labels match
    /// (Marathon's selector syntax, e.g. <c>ispark.role==driver</c>), each with its tasks and last task failure, as Marathon
    /// answered them.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> AppsAsync(string labelSelector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labelSelector);
        var json = await SendAsync(
            HttpMethod.Get, "v2/apps?label=" + Uri.EscapeDataString(labelSelector) + "&embed=apps.tasks&embed=apps.lastTaskFailure", null, cancellationToken).ConfigureAwait(false);
        return (json?["apps"] as JsonArray ?? []).OfType<JsonObject>().ToList();
    }

    /// <summary><c>GET /v2/apps/{id}?embed=apps.lastTaskFailure</c>: why its last task failed, or null; null app (404) gives null too.</summary>
    public async Task<MarathonTaskFailure?> LastTaskFailureAsync(string appId, CancellationToken cancellationToken = default)
    {
        JsonNode? json;
        try
        {
            json = await SendAsync(HttpMethod.Get, "v2/apps" + Path(appId) + "?embed=apps.lastTaskFailure", null, cancellationToken).ConfigureAwait(false);
        }
        catch (MarathonException e) when (e.StatusCode == 404)
        {
            return null;
        }

        if (json?["app"]?["lastTaskFailure"] is not JsonObject f)
        {
            return null;
        }

        return new MarathonTaskFailure(
            f["taskId"]?.GetValue<string>() ?? "?",
            f["host"]?.GetValue<string>() ?? "?",
            f["state"]?.GetValue<string>() ?? "?",
            f["message"]?.GetValue<string>() ?? "",
            DateTimeOffset.TryParse(f["timestamp"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
            f["version"]?.GetValue<string>());
    }

    /// <summary><c>GET /v2/groups/{id}</c>: whether the group exists.</summary>
    public async Task<bool> GroupExistsAsync(string groupId, CancellationToken cancellationToken = default)
    {
        try
        {
            await SendAsync(HttpMethod.Get, "v2/groups" + Path(groupId), null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MarathonException e) when (e.StatusCode == 404)
        {
            return false;
        }
    }

    /// <summary><c>DELETE /v2/groups/{id}?force=true</c>: removes the group, its apps and their tasks; returns the deployment, or null when there was no such group.</summary>
    public async Task<string?> DeleteGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        try
        {
            var json = await SendAsync(HttpMethod.Delete, "v2/groups" + Path(groupId) + "?force=true", null, cancellationToken).ConfigureAwait(false);
            return json?["deploymentId"]?.GetValue<string>();
        }
        catch (MarathonException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes the group (<see cref="DeleteGroupAsync"/>) and waits, up to <paramref name="timeout"/>, for its deployment
    /// and until Marathon no longer lists it: what a session's stop means.
    /// </summary>
    public async Task RemoveGroupAsync(string groupId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var deployment = await DeleteGroupAsync(groupId, deadline.Token).ConfigureAwait(false);
        if (deployment is not null)
        {
            await WaitForDeploymentAsync(deployment, timeout, cancellationToken: deadline.Token).ConfigureAwait(false);
        }

        while (await GroupExistsAsync(groupId, deadline.Token).ConfigureAwait(false))
        {
            await Task.Delay(250, deadline.Token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until the deployment is no longer listed (finished), polling every <paramref name="pollInterval"/>; between
    /// polls <paramref name="check"/> may throw to stop waiting (a failed task, say). Throws <see cref="TimeoutException"/>
    /// after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitForDeploymentAsync(
        string deploymentId, TimeSpan timeout, Func<CancellationToken, Task>? check = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!(await DeploymentIdsAsync(cancellationToken).ConfigureAwait(false)).Contains(deploymentId, StringComparer.Ordinal))
            {
                return;
            }

            if (check is not null)
            {
                await check(cancellationToken).ConfigureAwait(false);
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Marathon's deployment {deploymentId} did not finish within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <summary>An app or group id as a URL path: <c>/a/b</c>, each segment escaped.</summary>
    private static string Path(string id) => "/" + string.Join('/', id.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUri, path));
        _credentials?.Apply(request);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        var what = $"{method.Method} /{path.Split('?')[0]}";
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = e is TaskCanceledException ? $"no answer within {_http.Timeout.TotalSeconds:0} s" : e.Message;
            throw new MarathonException($"Cannot reach Marathon at {BaseUri.Authority} ({what}): {why}. Check --marathon and that this machine may reach it.", 0, null, e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return text.Length == 0 ? null : JsonNode.Parse(text);
                }
                catch (JsonException e)
                {
                    throw new MarathonException($"Marathon at {BaseUri.Authority} answered {what} with something that is not JSON.", (int)response.StatusCode, null, e);
                }
            }

            var marathonMessage = MessageOf(text);
            var status = (int)response.StatusCode;
            var advice = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => $"Marathon refused the credentials ({_credentials?.Description ?? "none given"}): set ISPARK_MARATHON_USER and ISPARK_MARATHON_PASSWORD(_FILE), or ISPARK_MARATHON_TOKEN(_FILE).",
                HttpStatusCode.Forbidden => $"Marathon says these credentials ({_credentials?.Description ?? "none"}) may not do this: ask its operator for permission on this group, or use another --group.",
                HttpStatusCode.Conflict => "It exists already (or a deployment of it is running).",
                HttpStatusCode.UnprocessableEntity => "Marathon found the definition invalid.",
                HttpStatusCode.NotFound => "Not found.",
                _ => $"HTTP {status.ToString(CultureInfo.InvariantCulture)}.",
            };
            throw new MarathonException(
                $"Marathon at {BaseUri.Authority} refused {what} ({status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}): {advice}"
                + (marathonMessage is null ? "" : $" Marathon says: {marathonMessage}"),
                status,
                marathonMessage);
        }
    }

    /// <summary>Marathon's error body: <c>{"message": "...", "details": [{"path": "/id", "errors": ["..."]}]}</c>, flattened to one line.</summary>
    private static string? MessageOf(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(body) is not JsonObject json)
            {
                return null;
            }

            var sb = new StringBuilder(json["message"]?.ToString() ?? "");
            foreach (var detail in json["details"] as JsonArray ?? [])
            {
                var errors = detail?["errors"] is JsonArray e ? string.Join("; ", e.Select(x => x?.ToString())) : detail?["message"]?.ToString();
                sb.Append(sb.Length > 0 ? " " : "").Append(detail?["path"]?.ToString() ?? "").Append(": ").Append(errors);
            }

            return sb.Length == 0 ? null : sb.ToString();
        }
        catch (JsonException)
        {
            return body.Length > 300 ? body[..300] + "…" : body;
        }
    }
}
