using InteractiveSpark.Jobs.Notebooks;

namespace InteractiveSpark.Jobs.Tests;

/// <summary>Papermill's parameter convention on C# notebooks: typed by the defaults, injected after the parameters cell.</summary>
public sealed class NotebookParametersTests
{
    private static Notebook WithParameters(string defaults)
    {
        var parameters = new NotebookCell(CellType.Code, defaults, id: "parameters");
        parameters.AddTag(NotebookParameters.ParametersTag);
        return new Notebook([new NotebookCell(CellType.Markdown, "# title"), parameters, new NotebookCell(CellType.Code, "Console.WriteLine(day);", id: "use")]);
    }

    [Fact]
    public void Values_are_typed_by_the_defaults_and_injected_right_after_the_parameters_cell()
    {
        var notebook = WithParameters(
            "var day = \"2026-11-01\";\nint rows = 10; // how many\nvar ratio = 0.5;\nvar big = 5000000000;\nvar on = false;\ndecimal price = 1.5m;\nvar when = DateOnly.Parse(\"2026-01-01\");");

        var warnings = NotebookParameters.Inject(notebook, NotebookParameters.ParsePairs(
            ["day=2026-11-02", "rows=42", "ratio=1e-3", "big=7", "on=true", "price=2.25", "when=2026-12-24"]));

        warnings.Should().BeEmpty();
        notebook.Cells.Select(c => c.Id).Should().HaveCount(4);
        var injected = notebook.Cells[2];
        injected.Tags.Should().Equal(NotebookParameters.InjectedTag);
        injected.Source.Split('\n').Should().Equal(
            "// Injected parameters (ispark run -p)",
            "string day = \"2026-11-02\";",
            "int rows = 42;",
            "double ratio = 0.001d;",
            "long big = 7L;",
            "bool on = true;",
            "decimal price = 2.25m;",
            "DateOnly when = DateOnly.Parse(\"2026-12-24\", System.Globalization.CultureInfo.InvariantCulture);");
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused_with_the_parameter_and_its_type()
    {
        var notebook = WithParameters("var rows = 10;");

        var act = () => NotebookParameters.Inject(notebook, NotebookParameters.ParsePairs(["rows=ten"]));

        act.Should().Throw<ArgumentException>().WithMessage("parameter 'rows': 'ten' is not a int*");
    }

    [Fact]
    public void Strings_are_escaped_so_that_a_value_cannot_become_code()
    {
        var notebook = WithParameters("var day = \"x\";");

        NotebookParameters.Inject(notebook, NotebookParameters.ParsePairs(["day=a\"; System.IO.File.Delete(\"x\"); //\\"]));

        notebook.Cells[2].Source.Should().EndWith("string day = \"a\\\"; System.IO.File.Delete(\\\"x\\\"); //\\\\\";");
    }

    [Fact]
    public void Without_a_parameters_cell_or_a_default_the_value_is_inferred_and_a_warning_says_so()
    {
        var notebook = new Notebook([new NotebookCell(CellType.Code, "Console.WriteLine(1);")]);

        var warnings = NotebookParameters.Inject(notebook, NotebookParameters.ParsePairs(["n=3", "x=2.5", "s=hello", "b=true"]));

        notebook.Cells[0].Tags.Should().Equal(NotebookParameters.InjectedTag);
        notebook.Cells[0].Source.Should().Contain("int n = 3;").And.Contain("double x = 2.5d;").And.Contain("string s = \"hello\";").And.Contain("bool b = true;");
        warnings.Should().HaveCount(5).And.Contain(w => w.Contains("no cell tagged 'parameters'"));
    }

    [Fact]
    public void Running_an_output_notebook_again_replaces_its_injected_cell()
    {
        var notebook = WithParameters("var rows = 10;");
        NotebookParameters.Inject(notebook, NotebookParameters.ParsePairs(["rows=1"]));

        NotebookParameters.Inject(notebook, NotebookParameters.ParsePairs(["rows=2"]));

        notebook.Cells.Count(c => c.HasTag(NotebookParameters.InjectedTag)).Should().Be(1);
        notebook.Cells[2].Source.Should().Contain("int rows = 2;");
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=5")]
    [InlineData("1x=5")]
    public void A_pair_that_is_not_name_equals_value_is_refused(string pair)
    {
        var act = () => NotebookParameters.ParsePairs([pair]);

        act.Should().Throw<ArgumentException>().WithMessage($"-p {pair}: *");
    }

    [Fact]
    public void A_name_given_twice_a_huge_value_and_control_characters_are_refused_with_the_value_clipped()
    {
        FluentActions.Invoking(() => NotebookParameters.ParsePairs(["rows=1", "rows=2"]))
            .Should().Throw<ArgumentException>().WithMessage("-p rows: given twice; pass each parameter once.");
        var huge = FluentActions.Invoking(() => NotebookParameters.ParsePairs(["day=" + new string('x', 1 << 20)])).Should().Throw<ArgumentException>().Which.Message;
        huge.Should().StartWith("-p day: a value of 1048576 characters");
        huge.Length.Should().BeLessThan(200);
        FluentActions.Invoking(() => NotebookParameters.ParsePairs(["day=a\u001b[31mb"]))
            .Should().Throw<ArgumentException>().WithMessage("-p day: the value holds the control character U+001B at position 1*");
        var name = FluentActions.Invoking(() => NotebookParameters.ParsePairs([new string('n', 5000) + "x y=1"])).Should().Throw<ArgumentException>().Which.Message;
        name.Should().Contain("(5005 characters)");
        name.Length.Should().BeLessThan(300);
    }

    [Fact]
    public void An_fsharp_parameters_cell_gets_let_bindings_typed_by_its_defaults()
    {
        var parameters = new NotebookCell(CellType.Code, "let day = \"x\"\nlet rows : int64 = 5\nlet ratio = 1.5 // share\nlet price = 2M\nlet on = true", "fsharp");
        parameters.AddTag(NotebookParameters.ParametersTag);
        var notebook = new Notebook([parameters]);

        NotebookParameters.Inject(notebook, NotebookParameters.ParsePairs(["day=y", "rows=7", "ratio=3", "price=2.5", "on=false"]))
            .Should().BeEmpty();

        notebook.Cells[1].KernelName.Should().Be("fsharp");
        notebook.Cells[1].Source.Split('\n').Skip(1).Should().Equal("let day = \"y\"", "let rows = 7L", "let ratio = 3.0", "let price = 2.5M", "let on = false");
        var act = () => NotebookParameters.Inject(notebook, NotebookParameters.ParsePairs(["ratio=abc"]));
        act.Should().Throw<ArgumentException>().WithMessage("parameter 'ratio': 'abc' is not a double*");
    }
}
