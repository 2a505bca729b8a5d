using System.Text.RegularExpressions;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Rendering.Tests;

public sealed class TableRendererTests
{
    private static readonly StructType Schema = new(
        new StructField("id", LongType.Instance, Nullable: false),
        new StructField("name", StringType.Instance),
        new StructField("tags", new ArrayType(IntegerType.Instance)),
        new StructField("at", TimestampType.Instance));

    private static Row R(long id, string? name, object? tags = null, object? at = null) => new(Schema, id, name, tags, at);

    [Fact]
    public void Html_has_the_schema_in_the_header_and_every_value()
    {
        var preview = TablePreview.FromRows([R(1, "a", new object?[] { 1, null }, new DateTimeOffset(2026, 11, 1, 8, 30, 0, TimeSpan.Zero)), R(2, null)]);

        var html = TableRenderer.ToHtml(preview);

        html.Should().Contain("<th>id<br><small>bigint · not null</small></th>");
        html.Should().Contain("<th>name<br><small>string · nullable</small></th>");
        html.Should().Contain("<th>tags<br><small>array&lt;int&gt; · nullable</small></th>");
        html.Should().Contain("<td class=\"r\">1</td><td>a</td><td>[1, null]</td><td>2026-11-01 08:30:00Z</td>");
        html.Should().Contain("<td class=\"r\">2</td><td class=\"n\">null</td>");
        html.Should().Contain("all 2 rows · 4 columns");
        html.Should().NotContain("<script").And.NotContain("http");
    }

    [Fact]
    public void Html_escapes_names_and_values()
    {
        var schema = new StructType(new StructField("<b>x</b>", StringType.Instance));
        var html = TableRenderer.ToHtml(TablePreview.FromRows([new Row(schema, "<script>alert('x')</script> & \"q\"")]));

        html.Should().NotContain("<script>").And.NotContain("<b>x");
        html.Should().Contain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
        html.Should().Contain("&lt;b&gt;x&lt;/b&gt;");
    }

    [Fact]
    public void Html_pages_with_css_only_one_page_per_page_size()
    {
        var rows = Enumerable.Range(0, 45).Select(i => R(i, "n" + i)).ToArray();

        var html = TableRenderer.ToHtml(TablePreview.FromRows(rows), new TableRenderOptions { PageSize = 20 });

        Regex.Matches(html, "<tbody class=\"p\\d+\">").Count.Should().Be(3);
        Regex.Matches(html, "<input type=\"radio\"").Count.Should().Be(3);
        html.Should().Contain(">1-20</label>").And.Contain(">21-40</label>").And.Contain(">41-45</label>");
        Regex.Matches(html, "<tr>").Count.Should().Be(46, "a header row and 45 rows");
        html.Should().Contain(":checked~table tbody.p3{display:table-row-group}");
    }

    [Fact]
    public void One_page_needs_no_pager()
    {
        var html = TableRenderer.ToHtml(TablePreview.FromRows([R(1, "a")]));

        html.Should().NotContain("<input").And.NotContain("ispark-pages");
    }

    [Fact]
    public void Collected_rows_beyond_the_limit_are_counted_not_rendered()
    {
        var rows = Enumerable.Range(0, 1500).Select(i => R(i, "n")).ToArray();

        var preview = TablePreview.FromRows(rows, maxRows: 1000);

        preview.Rows.Should().HaveCount(1000);
        preview.Summary.Should().Be("showing rows 1-1,000 of 1,500");
    }

    [Theory]
    [InlineData(0, false, "no rows")]
    [InlineData(1, false, "1 row")]
    [InlineData(42, false, "all 42 rows")]
    [InlineData(100, true, "showing rows 1-100 of more")]
    public void The_summary_says_what_is_shown(int count, bool more, string expected)
    {
        var rows = Enumerable.Range(0, count).Select(i => R(i, "x")).ToArray();

        new TablePreview(Schema, rows, more).Summary.Should().Be(expected);
    }

    [Fact]
    public void Text_has_a_schema_line_a_grid_and_the_summary()
    {
        var text = TableRenderer.ToText(TablePreview.FromRows([R(1, "alpha"), R(22, null)]));

        text.Split('\n').Should().Equal(
            "schema: id bigint not null, name string, tags array<int>, at timestamp",
            "+--+-----+----+----+",
            "|id|name |tags|at  |",
            "+--+-----+----+----+",
            "| 1|alpha|null|null|",
            "|22|null |null|null|",
            "+--+-----+----+----+",
            "all 2 rows");
    }

    [Fact]
    public void Text_cuts_long_values_and_keeps_one_line_per_row()
    {
        var schema = new StructType(new StructField("s", StringType.Instance));
        var text = TableRenderer.ToText(TablePreview.FromRows([new Row(schema, "line1\nline2" + new string('x', 100))]), new TableRenderOptions { MaxTextColumnWidth = 10 });

        text.Split('\n')[4].Should().Be("|line1\\nli…|");
    }

    [Fact]
    public void An_empty_result_still_shows_its_columns()
    {
        var preview = new TablePreview(Schema, [], hasMore: false);

        TableRenderer.ToHtml(preview).Should().Contain("<th>id<br>").And.Contain("no rows");
        TableRenderer.ToText(preview).Should().StartWith("schema: id bigint not null").And.EndWith("no rows");
    }
}

public sealed class ValueTextTests
{
    [Fact]
    public void Values_are_culture_invariant_and_readable()
    {
        var structType = new StructType(new StructField("x", IntegerType.Instance), new StructField("y", StringType.Instance));
        ValueText.Format(null).Should().Be("null");
        ValueText.Format(1234.5).Should().Be("1234.5");
        ValueText.Format(186750.0).Should().Be("186750.0");
        ValueText.Format(1e20).Should().Be("1E+20");
        ValueText.Format(2.5f).Should().Be("2.5");
        ValueText.Format(0.1 + 0.2).Should().Be("0.30000000000000004");
        ValueText.Format(double.NaN).Should().Be("NaN");
        ValueText.Format(double.NegativeInfinity).Should().Be("-Infinity");
        ValueText.Format(12.50m).Should().Be("12.50");
        ValueText.Format(true).Should().Be("true");
        ValueText.Format(new DateOnly(2026, 11, 1)).Should().Be("2026-11-01");
        ValueText.Format(new DateTimeOffset(2026, 11, 1, 8, 30, 0, 250, TimeSpan.Zero)).Should().Be("2026-11-01 08:30:00.25Z");
        ValueText.Format(new DateTime(2026, 11, 1, 8, 30, 0, DateTimeKind.Unspecified)).Should().Be("2026-11-01 08:30:00");
        ValueText.Format(new byte[] { 1, 0xAB }).Should().Be("0x01AB");
        ValueText.Format(new object?[] { 1, null, 3 }).Should().Be("[1, null, 3]");
        ValueText.Format(new Row(structType, 1, null)).Should().Be("{x: 1, y: null}");
        ValueText.Format(new Dictionary<object, object?> { ["a"] = 1, ["b"] = new object?[] { "x" } }).Should().Be("{a -> 1, b -> [x]}");
    }

    [Fact]
    public void Html_escape_covers_the_five_characters()
    {
        Html.Escape("<a href=\"x\">'&'</a>").Should().Be("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}

public sealed class ProgressTextTests
{
    [Fact]
    public void A_report_becomes_a_bar_and_facts()
    {
        var progress = new ExecutionProgress([new StageProgress(1, 10, 10, 2048, true), new StageProgress(2, 10, 2, 0, false)], 3);

        ProgressText.ToText("dev", progress, TimeSpan.FromSeconds(6))
            .Should().Be("dev: [##############----------] 60% · tasks 12/20, 3 running · stages 1/2 done · 2.0 KB read · 6 s");
        ProgressText.ToHtml("<dev>", progress, TimeSpan.FromSeconds(6))
            .Should().Contain("&lt;dev&gt;: <progress max=\"20\" value=\"12\"></progress> 60%");
    }

    [Fact]
    public void Before_the_first_report_it_says_running()
    {
        ProgressText.ToText("dev", null, TimeSpan.FromSeconds(2)).Should().Be("dev: running… 2 s");
    }

    [Fact]
    public void Durations_and_bytes_read_well()
    {
        ProgressText.Duration(TimeSpan.FromSeconds(125)).Should().Be("2 min 5 s");
        ProgressText.Duration(TimeSpan.FromMinutes(63)).Should().Be("1 h 3 min");
        ProgressText.Bytes(3 * 1024 * 1024 + 400 * 1024).Should().Be("3.4 MB");
    }
}

public sealed class SparkErrorTextTests
{
    [Fact]
    public void A_spark_error_shows_its_class_once_and_no_plan()
    {
        var e = new SparkException("[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. SQLSTATE: 42P01; line 1 pos 14\n== SQL ==\nselect * from nope\n");

        SparkErrorText.Describe(e).Should().Be("[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. SQLSTATE: 42P01; line 1 pos 14");
    }
}
