using System.Net.Sockets;
using Docker.DotNet;

namespace InteractiveSpark.Sessions.Docker;

/// <summary>
/// Checks, before any container exists, that the engine answers and has the image: a launcher then fails with one line
/// that says what to do, instead of Docker's own error halfway through creating containers.
/// </summary>
internal static class DockerImageCheck
{
    /// <summary>
    /// Returns when the engine at <paramref name="endpoint"/> has <paramref name="image"/>; otherwise throws what
    /// <paramref name="error"/> makes of the message (and the engine's exception when it could not be reached).
    /// <paramref name="buildHint"/> says how to get the image, e.g. <c>build it with docker/build-job-image</c>.
    /// </summary>
    public static async Task EnsureAsync(
        DockerClient client, Uri endpoint, string image, string buildHint, Func<string, Exception?, Exception> error, CancellationToken cancellationToken)
    {
        try
        {
            await client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerImageNotFoundException)
        {
            throw error($"Image {image} not found on the Docker engine at {endpoint}: {buildHint}.", null);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TimeoutException or DockerApiException)
        {
            throw error(
                $"Cannot reach the Docker engine at {endpoint}: {e.Message}. Is dockerd running (.ci/install-docker starts one), and may this user use it? Set DOCKER_HOST for another engine.", e);
        }
    }
}
