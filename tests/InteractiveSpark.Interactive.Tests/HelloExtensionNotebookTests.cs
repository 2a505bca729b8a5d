using InteractiveSpark.Testing.Notebooks;

namespace InteractiveSpark.Interactive.Tests;

/// <summary>notebooks/hello-extension.ipynb, executed by Jupyter with the dotnet-interactive kernel.</summary>
[Collection(NotebookCollection.Name)]
public sealed class HelloExtensionNotebookTests
{
    [Fact]
    public async Task The_extension_loads_from_the_local_package_folder_and_says_what_it_added()
    {
        var notebook = await NotebookRunner.ExecuteAsync("notebooks/hello-extension.ipynb");

        notebook.Errors.Should().BeEmpty();
        var load = notebook.Cells.Single(c => c.Source.Contains("#r \"nuget: InteractiveSpark.Interactive"));
        load.Text.Should().Contain(SparkKernelExtension.LoadedMessage, "the extension prints one line on load");
        load.Text.Split('\n').Count(l => l.StartsWith("InteractiveSpark ", StringComparison.Ordinal)).Should().Be(1);

        var magics = notebook.Cells.Single(c => c.Source.Contains("SupportedDirectives")).Text.Split('\n');
        // Every option declared once in kernel/InteractiveSpark.Magics, in its order, behind the name.
        var options = string.Join(' ', InteractiveSpark.Magics.SparkConnectValues.Options.Select(o => o.Name));
        options.Should().StartWith("--url --launcher --spark-home --master --driver-memory --conf --startup-timeout --image --cpus --memory");
        magics.Should().Contain($"#!spark-connect --name {options}");
        magics.Should().Contain($"#!connect spark --kernel-name {options}");
    }
}

/// <summary>Notebook runs start a kernel each (about 2 s plus restore); they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Notebooks";
}
