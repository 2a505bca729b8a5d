using System.Diagnostics;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>
/// The job image and its variant with dotnet-interactive, built (or found up to date) by the project's script
/// docker/build-job-image --with-dotnet-interactive, as CI does before the tests. Fails with the script's output when it
/// cannot build: nothing is skipped. With ISPARK_JOB_IMAGE set, that image and IMAGE-dotnet-interactive are used as they
/// are (they must exist): the images hash all of kernel/ and extensions/, so while those change under development every
/// build would otherwise rebuild them (minutes).
/// </summary>
public sealed class JobImageFixture : IAsyncLifetime
{
    /// <summary>The job image (ispark's own kernel runs the cells; no dotnet-interactive).</summary>
    public string Image { get; } = Environment.GetEnvironmentVariable("ISPARK_JOB_IMAGE") is { Length: > 0 } image ? image : "ispark-job:test";

    /// <summary>The job image with the dotnet-interactive tool (<c>--kernel dotnet-interactive</c>).</summary>
    public string DotnetInteractiveImage => Image + "-dotnet-interactive";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("ISPARK_JOB_IMAGE") is { Length: > 0 })
        {
            foreach (var name in new[] { Image, DotnetInteractiveImage })
            {
                var inspect = new ProcessStartInfo("docker") { UseShellExecute = false };
                foreach (var arg in new[] { "image", "inspect", "-f", "{{.Id}}", name })
                {
                    inspect.ArgumentList.Add(arg);
                }

                var found = await IsparkTool.RunProcessAsync(inspect, TimeSpan.FromMinutes(1));
                if (found.ExitCode != 0)
                {
                    throw new InvalidOperationException($"{name} does not exist: build it with docker/build-job-image --image {Image} --with-dotnet-interactive.\n{found.Output}");
                }
            }

            return;
        }

        var psi = new ProcessStartInfo(Path.Combine(IsparkTool.Root, "docker", "build-job-image")) { WorkingDirectory = IsparkTool.Root, UseShellExecute = false };
        foreach (var arg in new[] { "--image", Image, "--with-dotnet-interactive" })
        {
            psi.ArgumentList.Add(arg);
        }

        var build = await IsparkTool.RunProcessAsync(psi, TimeSpan.FromMinutes(20));
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker/build-job-image failed ({build.ExitCode}):\n{build.Output}");
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;
}
