using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.MarathonEmulator;

/// <summary>
/// A Marathon REST v2 emulator for tests: the endpoints a launcher uses (<c>/v2/info</c>, <c>/v2/apps</c>,
/// <c>/v2/apps/{id}/tasks</c>, <c>/v2/groups</c>, <c>/v2/deployments</c>, <c>/v2/tasks</c>), bodies shaped like
/// Marathon's documented examples, every posted app validated against Marathon's own schema (422 with Marathon's
/// error shape), HTTP basic or token authentication (401, 403), and each app instance run as a real container on the
/// local Docker engine with the host's network, host ports assigned from <c>portDefinitions</c> and passed as
/// <c>PORT0..</c>, <c>PORTS</c>, <c>HOST</c> like Marathon does. A task that exits is relaunched with Marathon's
/// backoff and recorded as <c>lastTaskFailure</c>. Faults: <see cref="NeverStart"/> (a deployment that never finishes),
/// <see cref="LoseTaskAsync"/> (a lost task); a failing deployment comes from an image that exits.
/// Every container carries <see cref="OwnerLabel"/>; <see cref="DisposeAsync"/> removes them all.
/// Multi-agent mode (<see cref="MarathonEmulatorOptions.Agents"/>): tasks are placed round-robin on agents that are
/// network namespaces the test made, each task joining its agent's namespace, with the agent's address as <c>HOST</c>.
/// It is not Marathon: no Mesos offers, no resource accounting, no health or readiness checks.
/// </summary>
public sealed partial class MarathonEmulator : IAsyncDisposable
{
    /// <summary>The label carrying the emulator instance's id on every container it starts.</summary>
    public const string OwnerLabel = "marathon-emulator.id";

    /// <summary>The label carrying the Marathon app id.</summary>
    public const string AppLabel = "marathon-emulator.app";

    private readonly WebApplication _web;
    private readonly DockerClient _docker;
    private readonly MarathonEmulatorOptions _options;
    private readonly ConcurrentDictionary<string, AppState> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Deployment> _deployments = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonObject> _received = new();
    private readonly ConcurrentDictionary<string, bool> _neverStart = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _portGate = new();
    private readonly HashSet<int> _portsInUse = [];
    private readonly Lock _placementGate = new();
    private int _nextAgent;

    private MarathonEmulator(WebApplication web, DockerClient docker, MarathonSchemas schemas, MarathonEmulatorOptions options)
    {
        _web = web;
        _docker = docker;
        Schemas = schemas;
        _options = options;
    }

    /// <summary>This instance's id (the value of <see cref="OwnerLabel"/>).</summary>
    public string Id { get; } = "emu-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Marathon's schemas, as loaded.</summary>
    public MarathonSchemas Schemas { get; }

    /// <summary>Every app definition posted (alone or inside a group), in order, valid or not.</summary>
    public IReadOnlyList<JsonObject> ReceivedApps => _received.ToArray();

    /// <summary>The ids of the apps it has now.</summary>
    public IReadOnlyCollection<string> AppIds => _apps.Keys.ToArray();

    /// <summary>Starts the emulator on a free loopback port.</summary>
    public static async Task<MarathonEmulator> StartAsync(MarathonEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MarathonEmulatorOptions();
        var schemas = await MarathonSchemas.LoadAsync(options.SchemaDirectory).ConfigureAwait(false);
        var endpoint = options.DockerEndpoint ?? Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
        var docker = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var web = builder.Build();
        var emulator = new MarathonEmulator(web, docker, schemas, options);
        emulator.Map();
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return emulator;
    }

    /// <summary>Fault: apps whose id starts with this never get a task running (Marathon waiting forever for offers): their deployment never finishes.</summary>
    public void NeverStart(string appIdPrefix) => _neverStart[appIdPrefix] = true;

    /// <summary>Fault: the running task of this app is lost (its container is killed, Marathon reports <c>TASK_LOST</c>, then replaces it).</summary>
    public async Task LoseTaskAsync(string appId)
    {
        var app = _apps.TryGetValue(appId, out var a) ? a : throw new InvalidOperationException($"No app {appId}.");
        var task = app.Tasks.Values.FirstOrDefault(t => t.State == "TASK_RUNNING") ?? throw new InvalidOperationException($"{appId} has no running task.");
        task.Lost = true;
        if (task.ContainerId is { } id)
        {
            await _docker.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "SIGKILL" }).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the running task of this app the way its process would end by itself (SIGTERM, exit); Marathon then starts a new one.</summary>
    public async Task EndTaskAsync(string appId)
    {
        var app = _apps.TryGetValue(appId, out var a) ? a : throw new InvalidOperationException($"No app {appId}.");
        var task = app.Tasks.Values.FirstOrDefault(t => t.State == "TASK_RUNNING") ?? throw new InvalidOperationException($"{appId} has no running task.");
        await _docker.Containers.StopContainerAsync(task.ContainerId!, new ContainerStopParameters { WaitBeforeKillSeconds = 20 }).ConfigureAwait(false);
    }

    /// <summary>The containers this emulator started that still exist (running or not).</summary>
    public async Task<IReadOnlyList<ContainerListResponse>> ContainersAsync(CancellationToken cancellationToken = default) =>
        (await _docker.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [OwnerLabel + "=" + Id] = true } },
            },
            cancellationToken).ConfigureAwait(false)).ToList();

    /// <summary>The current body of <c>GET /v2/apps/{id}/tasks</c> for an app (for tests that check the shape).</summary>
    public JsonObject TasksBody(string appId) => new() { ["tasks"] = new JsonArray(TasksOf(appId).ToArray()) };

    /// <summary>Stops every task (removing its container) and the web server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var app in _apps.Values)
        {
            await app.Removed.CancelAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_apps.Values.SelectMany(a => a.Runners)).WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        foreach (var c in await ContainersAsync().ConfigureAwait(false))
        {
            await _docker.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true }).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        _docker.Dispose();
        _stopping.Dispose();
    }

    private void Map()
    {
        var app = _web;
        app.Use(async (context, next) =>
        {
            var (status, message) = Authenticate(context.Request.Headers.Authorization.ToString());
            if (status != 200)
            {
                if (status == 401)
                {
                    context.Response.Headers.WWWAuthenticate = "Basic realm=\"Mesosphere\"";
                }

                await Json(context, status, new JsonObject { ["message"] = message }).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapGet("/v2/info", (HttpContext c) => Json(c, 200, new JsonObject
        {
            ["name"] = "marathon",
            ["version"] = "1.10.17-emulator",
            ["frameworkId"] = Id,
            ["leader"] = Url.Authority,
            ["elected"] = true,
            ["http_config"] = new JsonObject { ["http_port"] = Url.Port },
        }));
        app.MapPost("/v2/apps", CreateAppAsync);
        app.MapPost("/v2/groups", CreateGroupAsync);
        app.MapGet("/v2/apps", ListAppsAsync);
        app.MapGet("/v2/apps/{**id}", GetAppAsync);
        app.MapDelete("/v2/apps/{**id}", (HttpContext c, string id) => DeleteAsync(c, Normalize(id), group: false));
        app.MapGet("/v2/groups/{**id}", GetGroupAsync);
        app.MapDelete("/v2/groups/{**id}", (HttpContext c, string id) => DeleteAsync(c, Normalize(id), group: true));
        app.MapGet("/v2/deployments", (HttpContext c) => Json(c, 200, new JsonArray(_deployments.Values.Select(d => (JsonNode)d.ToJson()).ToArray())));
        app.MapGet("/v2/tasks", (HttpContext c) => Json(c, 200, new JsonObject { ["tasks"] = new JsonArray(_apps.Keys.SelectMany(TasksOf).ToArray()) }));
    }

    private (int Status, string Message) Authenticate(string header)
    {
        var o = _options;
        if (o.User is null && o.Token is null)
        {
            return (200, "");
        }

        if (header.Length == 0)
        {
            return (401, "Not Authenticated!");
        }

        if (o.Token is not null && FixedEquals(header, "token=" + o.Token))
        {
            return (200, "");
        }

        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            }
            catch (FormatException)
            {
                return (401, "Not Authenticated!");
            }

            if (o.User is not null && FixedEquals(decoded, o.User + ":" + o.Password))
            {
                return (200, "");
            }

            if (o.ForbiddenUser is not null && FixedEquals(decoded, o.ForbiddenUser + ":" + o.ForbiddenPassword))
            {
                return (403, "Not Authorized to perform this action!");
            }
        }

        return (401, "Not Authenticated!");
    }

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    private async Task CreateAppAsync(HttpContext context)
    {
        if (await ReadBodyAsync(context).ConfigureAwait(false) is not JsonObject body)
        {
            return;
        }

        if (Check(body, "") is { } invalid)
        {
            await Json(context, 422, invalid).ConfigureAwait(false);
            return;
        }

        var id = Normalize(body["id"]!.GetValue<string>());
        if (_apps.ContainsKey(id))
        {
            await Json(context, 409, new JsonObject { ["message"] = $"An app with id [{id}] already exists." }).ConfigureAwait(false);
            return;
        }

        var deployment = Deploy([Add(id, body)], "StartApplication");
        context.Response.Headers["Marathon-Deployment-Id"] = deployment.Id;
        context.Response.Headers.Location = new Uri(Url, "v2/apps" + id).ToString();
        var answer = AppJson(_apps[id]);
        answer["deployments"] = new JsonArray(new JsonObject { ["id"] = deployment.Id });
        await Json(context, 201, answer).ConfigureAwait(false);
    }

    private async Task CreateGroupAsync(HttpContext context)
    {
        if (await ReadBodyAsync(context).ConfigureAwait(false) is not JsonObject body)
        {
            return;
        }

        var groupId = Normalize(body["id"]?.GetValue<string>() ?? "/");
        var apps = body["apps"] as JsonArray ?? [];
        var details = new JsonArray();
        for (var i = 0; i < apps.Count; i++)
        {
            if (apps[i] is JsonObject a && Check(a, $"/apps({i.ToString(CultureInfo.InvariantCulture)})") is { } invalid)
            {
                foreach (var d in invalid["details"]!.AsArray())
                {
                    details.Add(d!.DeepClone());
                }
            }
        }

        if (details.Count > 0)
        {
            await Json(context, 422, new JsonObject { ["message"] = "Object is not valid", ["details"] = details }).ConfigureAwait(false);
            return;
        }

        if (_apps.Keys.Any(k => k.StartsWith(groupId + "/", StringComparison.Ordinal)))
        {
            await Json(context, 409, new JsonObject { ["message"] = $"Group {groupId} is already created. Use PUT to change this group." }).ConfigureAwait(false);
            return;
        }

        var states = apps.OfType<JsonObject>().Select(a =>
        {
            var raw = a["id"]!.GetValue<string>();
            return Add(raw.StartsWith('/') ? Normalize(raw) : groupId + "/" + raw.Trim('/'), a);
        }).ToList();
        var deployment = Deploy(states, "StartApplication");
        context.Response.Headers["Marathon-Deployment-Id"] = deployment.Id;
        await Json(context, 201, new JsonObject { ["version"] = deployment.Version, ["deploymentId"] = deployment.Id }).ConfigureAwait(false);
    }

    /// <summary>Schema and Marathon-side checks of one app; a Marathon-shaped 422 body, or null when valid.</summary>
    private JsonObject? Check(JsonObject app, string pathPrefix)
    {
        _received.Enqueue((JsonObject)app.DeepClone());
        var errors = Schemas.ValidateApp(app).Select(e => (Path: pathPrefix + e.Path, e.Errors)).ToList();
        if (errors.Count == 0)
        {
            // What the emulator itself needs (a real Marathon also runs Mesos containers and commands).
            if (app["container"]?["docker"]?["image"] is null)
            {
                errors.Add((pathPrefix + "/container", ["the emulator runs only Docker containers (container.docker.image)"]));
            }

            if (app["networks"] is JsonArray networks && networks.Any(n => n?["mode"]?.GetValue<string>() != "host"))
            {
                errors.Add((pathPrefix + "/networks", ["the emulator runs only host networking"]));
            }
        }

        return errors.Count == 0 ? null : new JsonObject
        {
            ["message"] = "Object is not valid",
            ["details"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject
            {
                ["path"] = e.Path,
                ["errors"] = new JsonArray(e.Errors.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
            }).ToArray()),
        };
    }

    private AppState Add(string id, JsonObject definition)
    {
        var state = new AppState(id, (JsonObject)definition.DeepClone(), Now());
        state.Definition["id"] = id;
        _apps[id] = state;
        var instances = definition["instances"]?.GetValue<int>() ?? 1;
        for (var slot = 0; slot < instances; slot++)
        {
            var s = slot;
            state.Runners.Add(Task.Run(() => RunInstanceAsync(state, s)));
        }

        return state;
    }

    private Deployment Deploy(IReadOnlyList<AppState> apps, string action)
    {
        var deployment = new Deployment(Guid.NewGuid().ToString(), Now(), apps.Select(a => a.Id).ToList(), action);
        _deployments[deployment.Id] = deployment;
        foreach (var app in apps)
        {
            app.Deployments.Add(deployment.Id);
        }

        _ = Task.Run(async () =>
        {
            // A start finishes when every instance runs; it never does while a task fails or waits for offers.
            while (!_stopping.IsCancellationRequested && !apps.All(a => a.Removed.IsCancellationRequested || a.RunningCount >= a.Instances))
            {
                await Task.Delay(200).ConfigureAwait(false);
            }

            _deployments.TryRemove(deployment.Id, out _);
        });
        return deployment;
    }

    private async Task GetAppAsync(HttpContext context, string id)
    {
        var tasks = id.EndsWith("/tasks", StringComparison.Ordinal);
        var appId = Normalize(tasks ? id[..^"/tasks".Length] : id);
        if (!_apps.TryGetValue(appId, out var app))
        {
            await Json(context, 404, new JsonObject { ["message"] = $"App '{appId}' does not exist" }).ConfigureAwait(false);
            return;
        }

        await Json(context, 200, tasks ? TasksBody(appId) : new JsonObject { ["app"] = AppJson(app) }).ConfigureAwait(false);
    }

    /// <summary><c>GET /v2/apps?label=...&amp;id=...</c>: label selectors <c>key</c>, <c>key==value</c>, <c>key!=value</c> (comma-separated, all must hold); tasks and last failure always embedded.</summary>
    private async Task ListAppsAsync(HttpContext context)
    {
        var selectors = context.Request.Query["label"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var idPart = context.Request.Query["id"].ToString();
        bool Matches(AppState app)
        {
            var labels = app.Definition["labels"] as JsonObject ?? [];
            foreach (var selector in selectors)
            {
                var (key, op, value) = selector.Contains("!=", StringComparison.Ordinal) ? (selector.Split("!=")[0], "!=", selector.Split("!=")[1])
                    : selector.Contains("==", StringComparison.Ordinal) ? (selector.Split("==")[0], "==", selector.Split("==")[1])
                    : (selector, "", "");
                var actual = labels[key.Trim()]?.GetValue<string>();
                var ok = op switch { "==" => actual == value.Trim(), "!=" => actual is not null && actual != value.Trim(), _ => actual is not null };
                if (!ok)
                {
                    return false;
                }
            }

            return idPart.Length == 0 || app.Id.Contains(idPart, StringComparison.Ordinal);
        }

        await Json(context, 200, new JsonObject { ["apps"] = new JsonArray(_apps.Values.Where(Matches).OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => (JsonNode)AppJson(a)).ToArray()) }).ConfigureAwait(false);
    }

    private async Task GetGroupAsync(HttpContext context, string id)
    {
        var groupId = Normalize(id);
        var apps = _apps.Values.Where(a => groupId == "/" || a.Id.StartsWith(groupId + "/", StringComparison.Ordinal)).ToList();
        if (apps.Count == 0 && groupId != "/")
        {
            await Json(context, 404, new JsonObject { ["message"] = $"Group '{groupId}' does not exist" }).ConfigureAwait(false);
            return;
        }

        // Flat: the apps directly or deeper below, and no subgroup list (enough for "does it exist, what is in it").
        await Json(context, 200, new JsonObject
        {
            ["id"] = groupId,
            ["apps"] = new JsonArray(apps.Select(a => (JsonNode)AppJson(a)).ToArray()),
            ["groups"] = new JsonArray(),
            ["version"] = apps.Select(a => a.Version).DefaultIfEmpty(Now()).Max(),
        }).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext context, string id, bool group)
    {
        var victims = group
            ? _apps.Values.Where(a => a.Id.StartsWith(id + "/", StringComparison.Ordinal) || a.Id == id).ToList()
            : _apps.TryGetValue(id, out var one) ? [one] : [];
        if (victims.Count == 0)
        {
            await Json(context, 404, new JsonObject { ["message"] = group ? $"Group '{id}' does not exist" : $"App '{id}' does not exist" }).ConfigureAwait(false);
            return;
        }

        var deployment = new Deployment(Guid.NewGuid().ToString(), Now(), victims.Select(v => v.Id).ToList(), "StopApplication");
        _deployments[deployment.Id] = deployment;
        foreach (var v in victims)
        {
            await v.Removed.CancelAsync().ConfigureAwait(false);
        }

        _ = Task.Run(async () =>
        {
            // Finished when every task was killed and its container removed.
            await Task.WhenAll(victims.SelectMany(v => v.Runners)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            foreach (var v in victims)
            {
                _apps.TryRemove(new KeyValuePair<string, AppState>(v.Id, v));
            }

            _deployments.TryRemove(deployment.Id, out _);
        });
        context.Response.Headers["Marathon-Deployment-Id"] = deployment.Id;
        await Json(context, 200, new JsonObject { ["version"] = deployment.Version, ["deploymentId"] = deployment.Id }).ConfigureAwait(false);
    }

    /// <summary>One instance slot: launch a task, wait for it to end, record a failure, back off, launch again, until the app is removed.</summary>
    private async Task RunInstanceAsync(AppState app, int slot)
    {
        var removed = app.Removed.Token;
        var d = app.Definition;
        var backoff = d["backoffSeconds"]?.GetValue<double>() ?? 1;
        var factor = d["backoffFactor"]?.GetValue<double>() ?? 1.15;
        var maxDelay = d["maxLaunchDelaySeconds"]?.GetValue<double>() ?? 300;
        var grace = d["taskKillGracePeriodSeconds"]?.GetValue<int>() ?? 3;
        var failures = 0;
        while (!removed.IsCancellationRequested)
        {
            TaskState? task;
            while ((task = Place(app, slot)) is null)
            {
                // No agent the app's constraints allow: Marathon waits for an offer that does.
                await Task.Delay(500, removed).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                if (removed.IsCancellationRequested)
                {
                    app.Tasks.TryRemove(slot, out _);
                    return;
                }
            }

            if (_neverStart.Keys.Any(p => app.Id.StartsWith(p, StringComparison.Ordinal)))
            {
                await Task.Delay(Timeout.Infinite, removed).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                break;
            }

            string? failure = null;
            try
            {
                task.Ports = AllocatePorts(d["portDefinitions"] is JsonArray defs ? defs.Count : 0);
                // Not cancelled by the app's removal: a create cancelled in flight may still make the container, whose id
                // would then be unknown here and the container left behind (seen in CI: a relaunch raced the group's removal).
                var created = await _docker.Containers.CreateContainerAsync(ContainerFor(app, task), CancellationToken.None).ConfigureAwait(false);
                task.ContainerId = created.ID;
                removed.ThrowIfCancellationRequested();
                await _docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), removed).ConfigureAwait(false);
                task.State = "TASK_RUNNING";
                task.StartedAt = Now();
                long code;
                try
                {
                    code = (await _docker.Containers.WaitContainerAsync(created.ID, removed).ConfigureAwait(false)).StatusCode;
                }
                catch (OperationCanceledException)
                {
                    // Removed: Marathon kills with SIGTERM, then SIGKILL after the grace period.
                    await _docker.Containers.StopContainerAsync(created.ID, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)grace }).ConfigureAwait(false);
                    task.State = "TASK_KILLED";
                    break;
                }

                if (task.Lost)
                {
                    task.State = "TASK_LOST";
                    app.LastFailure = Failure(app, task, "TASK_LOST", "Task was lost: the agent is no longer reachable (emulated)");
                    await Task.Delay(_options.LostTaskVisibleFor, removed).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                    continue;
                }

                task.State = code == 0 ? "TASK_FINISHED" : "TASK_FAILED";
                failure = $"Command exited with status {code.ToString(CultureInfo.InvariantCulture)}";
                if (code != 0)
                {
                    app.LastFailure = Failure(app, task, "TASK_FAILED", failure);
                }
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
            {
                task.State = "TASK_FAILED";
                app.LastFailure = Failure(app, task, "TASK_FAILED", "Failed to launch container: " + e.Message.Split('\n')[0]);
            }
            catch (OperationCanceledException)
            {
                task.State = "TASK_KILLED";
                break;
            }
            finally
            {
                await RemoveContainerAsync(task).ConfigureAwait(false);
                ReleasePorts(task.Ports);
            }

            // Marathon relaunches every ended task of an app (it is a service), after a growing delay.
            var delay = Math.Min(maxDelay, backoff * Math.Pow(factor, failures++));
            await Task.Delay(TimeSpan.FromSeconds(delay), removed).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        app.Tasks.TryRemove(slot, out _);
    }

    /// <summary>
    /// A new task for this slot on the next agent round-robin that the app's <c>hostname:UNIQUE</c> allows, registered
    /// in the app; null when no agent does now. One agent (no <see cref="MarathonEmulatorOptions.Agents"/>): always it.
    /// </summary>
    private TaskState? Place(AppState app, int slot)
    {
        var id = app.Id.TrimStart('/').Replace('/', '_') + ".instance-" + Guid.NewGuid();
        var agents = _options.Agents;
        if (agents is not { Count: > 0 })
        {
            return app.Tasks[slot] = new TaskState(id, _options.AgentHost, null, 0, Now(), app.Version);
        }

        var unique = app.Definition["constraints"] is JsonArray constraints && constraints.Any(c =>
            c is JsonArray a && a.Count >= 2 && a[0]?.GetValue<string>() == "hostname" && a[1]?.GetValue<string>() == "UNIQUE");
        lock (_placementGate)
        {
            for (var i = 0; i < agents.Count; i++)
            {
                var index = (_nextAgent + i) % agents.Count;
                var agent = agents[index];
                if (unique && app.Tasks.Any(t => t.Key != slot && t.Value.Agent == agent && t.Value.State is "TASK_STAGING" or "TASK_RUNNING"))
                {
                    continue;
                }

                _nextAgent = (index + 1) % agents.Count;
                return app.Tasks[slot] = new TaskState(id, agent.Host, agent, index, Now(), app.Version);
            }
        }

        return null;
    }

    private async Task RemoveContainerAsync(TaskState task)
    {
        if (task.ContainerId is { } id)
        {
            try
            {
                await _docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false);
            }
            catch (DockerContainerNotFoundException)
            {
                // Gone already.
            }
        }
    }

    private CreateContainerParameters ContainerFor(AppState app, TaskState task)
    {
        var d = app.Definition;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in d["env"] as JsonObject ?? [])
        {
            if (v is JsonValue value && value.TryGetValue<string>(out var s))
            {
                env[k] = s;
            }
        }

        // What Marathon adds to every task's environment.
        var defs = d["portDefinitions"] as JsonArray ?? [];
        for (var i = 0; i < task.Ports.Count; i++)
        {
            var port = task.Ports[i].ToString(CultureInfo.InvariantCulture);
            env["PORT" + i.ToString(CultureInfo.InvariantCulture)] = port;
            if (defs[i]?["name"]?.GetValue<string>() is { Length: > 0 } name)
            {
                env["PORT_" + NonWord().Replace(name.ToUpperInvariant(), "_")] = port;
            }
        }

        if (task.Ports.Count > 0)
        {
            env["PORT"] = task.Ports[0].ToString(CultureInfo.InvariantCulture);
            env["PORTS"] = string.Join(',', task.Ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        }

        env["HOST"] = task.Host;
        env["MARATHON_APP_ID"] = app.Id;
        env["MARATHON_APP_VERSION"] = app.Version;
        env["MARATHON_APP_DOCKER_IMAGE"] = d["container"]!["docker"]!["image"]!.GetValue<string>();
        env["MESOS_TASK_ID"] = task.Id;
        var labels = d["labels"] as JsonObject ?? [];
        env["MARATHON_APP_LABELS"] = string.Join(' ', labels.Select(l => NonWord().Replace(l.Key.ToUpperInvariant(), "_")));
        foreach (var (k, v) in labels)
        {
            env["MARATHON_APP_LABEL_" + NonWord().Replace(k.ToUpperInvariant(), "_")] = v?.ToString() ?? "";
        }

        var args = d["args"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : null;
        if (d["cmd"]?.GetValue<string>() is { } cmd)
        {
            args = ["/bin/sh", "-c", cmd];
        }

        // Multi-agent: the task joins its agent's network namespace, as a task with host networking shares its agent's.
        var host = new HostConfig { NetworkMode = task.Agent is { } agent ? "container:" + agent.NetworkContainer : "host" };
        if (d["mem"]?.GetValue<double>() is { } mem and > 0)
        {
            host.Memory = (long)(mem * 1024 * 1024);
        }

        if (d["cpus"]?.GetValue<double>() is { } cpus and > 0)
        {
            host.CPUShares = (long)Math.Max(2, cpus * 1024); // Mesos' docker containerizer: shares, not a quota
        }

        return new CreateContainerParameters
        {
            Name = "mesos-" + task.Id.Replace('_', '-'),
            Image = env["MARATHON_APP_DOCKER_IMAGE"],
            Cmd = args,
            Env = env.Select(kv => kv.Key + "=" + kv.Value).ToList(),
            Labels = new Dictionary<string, string> { [OwnerLabel] = Id, [AppLabel] = app.Id, ["marathon-emulator.task"] = task.Id },
            HostConfig = host,
        };
    }

    private List<int> AllocatePorts(int count)
    {
        var ports = new List<int>();
        lock (_portGate)
        {
            while (ports.Count < count)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (_portsInUse.Add(port))
                {
                    ports.Add(port);
                }
            }
        }

        return ports;
    }

    private void ReleasePorts(IEnumerable<int> ports)
    {
        lock (_portGate)
        {
            foreach (var p in ports)
            {
                _portsInUse.Remove(p);
            }
        }
    }

    private static JsonObject Failure(AppState app, TaskState task, string state, string message) => new()
    {
        ["appId"] = app.Id,
        ["host"] = task.Host,
        ["message"] = message,
        ["state"] = state,
        ["taskId"] = task.Id,
        ["timestamp"] = Now(),
        ["version"] = app.Version,
        ["slaveId"] = task.SlaveId,
    };

    private IEnumerable<JsonNode> TasksOf(string appId) =>
        _apps.TryGetValue(appId, out var app)
            ? app.Tasks.OrderBy(t => t.Key).Select(t => (JsonNode)t.Value.ToJson(appId))
            : [];

    private JsonObject AppJson(AppState app)
    {
        var json = (JsonObject)app.Definition.DeepClone();
        json["version"] = app.Version;
        json["tasksStaged"] = app.Tasks.Values.Count(t => t.State == "TASK_STAGING");
        json["tasksRunning"] = app.RunningCount;
        json["tasksHealthy"] = 0;
        json["tasksUnhealthy"] = 0;
        json["deployments"] = new JsonArray(app.Deployments.Where(_deployments.ContainsKey).Select(id => (JsonNode)new JsonObject { ["id"] = id }).ToArray());
        json["tasks"] = new JsonArray(TasksOf(app.Id).ToArray());
        if (app.LastFailure is { } failure)
        {
            json["lastTaskFailure"] = failure.DeepClone();
        }

        return json;
    }

    private static async Task<JsonNode?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false) ?? throw new JsonException("empty");
        }
        catch (JsonException)
        {
            await Json(context, 400, new JsonObject
            {
                ["message"] = "Invalid JSON",
                ["details"] = new JsonArray(new JsonObject { ["path"] = "/", ["errors"] = new JsonArray("error.expected.jsobject") }),
            }).ConfigureAwait(false);
            return null;
        }
    }

    private static Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static string Normalize(string id) => "/" + id.Trim('/');

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("[^A-Z0-9_]")]
    private static partial Regex NonWord();

    private sealed class AppState(string id, JsonObject definition, string version)
    {
        public string Id { get; } = id;

        public JsonObject Definition { get; } = definition;

        public string Version { get; } = version;

        public int Instances => Definition["instances"]?.GetValue<int>() ?? 1;

        public ConcurrentDictionary<int, TaskState> Tasks { get; } = new();

        public ConcurrentBag<string> Deployments { get; } = [];

        public List<Task> Runners { get; } = [];

        public CancellationTokenSource Removed { get; } = new();

        public JsonObject? LastFailure { get; set; }

        public int RunningCount => Tasks.Values.Count(t => t.State == "TASK_RUNNING");
    }

    private sealed class TaskState(string id, string host, MarathonEmulatorAgent? agent, int agentIndex, string stagedAt, string version)
    {
        public string Id { get; } = id;

        public string Host { get; } = host;

        /// <summary>The agent of the multi-agent mode it runs on; null: the one agent with the host's network.</summary>
        public MarathonEmulatorAgent? Agent { get; } = agent;

        public string SlaveId { get; } = "emulated-agent-" + agentIndex.ToString(CultureInfo.InvariantCulture);

        public volatile string State = "TASK_STAGING";

        public string? StartedAt { get; set; }

        public IReadOnlyList<int> Ports { get; set; } = [];

        public string? ContainerId { get; set; }

        public volatile bool Lost;

        public JsonObject ToJson(string appId)
        {
            var json = new JsonObject
            {
                ["appId"] = appId,
                ["host"] = Host,
                ["id"] = Id,
                ["ipAddresses"] = new JsonArray(new JsonObject { ["ipAddress"] = Agent?.Host ?? "127.0.0.1", ["protocol"] = "IPv4" }),
                ["ports"] = new JsonArray(Ports.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
                ["servicePorts"] = new JsonArray(),
                ["slaveId"] = SlaveId,
                ["stagedAt"] = stagedAt,
                ["version"] = version,
                ["state"] = State,
                ["region"] = "emulated",
                ["zone"] = "a",
                ["role"] = "*",
            };
            if (StartedAt is { } started)
            {
                json["startedAt"] = started;
            }

            return json;
        }
    }

    private sealed record Deployment(string Id, string Version, IReadOnlyList<string> Apps, string Action)
    {
        public JsonObject ToJson() => new()
        {
            ["id"] = Id,
            ["version"] = Version,
            ["affectedApps"] = new JsonArray(Apps.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["affectedPods"] = new JsonArray(),
            ["steps"] = new JsonArray(new JsonObject
            {
                ["actions"] = new JsonArray(Apps.Select(a => (JsonNode)new JsonObject { ["action"] = Action, ["app"] = a }).ToArray()),
            }),
            ["currentActions"] = new JsonArray(Apps.Select(a => (JsonNode)new JsonObject { ["action"] = Action, ["app"] = a, ["readinessCheckResults"] = new JsonArray() }).ToArray()),
            ["currentStep"] = 1,
            ["totalSteps"] = 1,
        };
    }
}
