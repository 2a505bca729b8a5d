using InteractiveSpark.Testing.Notebooks;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>The notebook runner fails with what to install when a tool is missing; it never skips.</summary>
public sealed class NotebookToolsTests
{
    [Fact]
    public async Task A_missing_jupyter_fails_with_the_install_command()
    {
        var find = () => NotebookRunner.FindToolsAsync("/nonexistent/bin/jupyter");

        (await find.Should().ThrowAsync<NotebookToolsMissingException>())
            .Which.Message.Should().Contain("/nonexistent/bin/jupyter").And.Contain(".ci/install-notebook-tools");
    }

    [Fact]
    public async Task The_installed_tools_include_nbconvert_and_the_dotnet_interactive_csharp_kernel()
    {
        var jupyter = await NotebookRunner.FindToolsAsync(null);

        File.Exists(jupyter).Should().BeTrue();
    }
}
