using System.Diagnostics;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>The tool installs as a .NET tool from its built package and runs as `ispark`.</summary>
public sealed class IsparkToolPackageTests
{
    [Fact]
    public async Task The_package_installs_with_dotnet_tool_install_and_the_ispark_command_lists_its_commands()
    {
        var folder = IsparkTool.NewRunFolder();
        var packages = Path.Combine(folder, "packages");
        var tools = Path.Combine(folder, "tools");

        var pack = await Dotnet(folder, "pack", Path.Combine(IsparkTool.Root, "programs", "InteractiveSpark.Cli", "InteractiveSpark.Cli.csproj"),
            "-c", IsparkTool.Configuration, "--no-build", "-o", packages, "-v", "q", "-nologo");
        pack.ExitCode.Should().Be(0, pack.Output);
        var install = await Dotnet(folder, "tool", "install", "--tool-path", tools, "InteractiveSpark.Cli", "--add-source", packages);
        install.ExitCode.Should().Be(0, install.Output);

        var help = await IsparkTool.RunProcessAsync(new ProcessStartInfo(Path.Combine(tools, "ispark"), "--help") { UseShellExecute = false }, TimeSpan.FromMinutes(1));

        help.ExitCode.Should().Be(0, help.Output);
        help.Output.Should().Contain("run <notebook>").And.Contain("submit <notebook>").And.Contain("jobs").And.Contain("logs <job>").And.Contain("sessions");
    }

    private static Task<IsparkResult> Dotnet(string folder, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["NUGET_PACKAGES"] = Path.Combine(folder, "nuget");
        return IsparkTool.RunProcessAsync(psi, TimeSpan.FromMinutes(5));
    }
}
