using System.Globalization;
using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>Renders protocol expressions as SQL-like text (for <see cref="Column.ToString"/> only).</summary>
internal static class ExpressionText
{
    private static readonly HashSet<string> Infix = ["+", "-", "*", "/", "%", "==", "<=>", "<", "<=", ">", ">=", "&", "|", "^", "and", "or"];

    public static string Render(P.Expression e)
    {
        switch (e.ExprTypeCase)
        {
            case P.Expression.ExprTypeOneofCase.UnresolvedAttribute: return e.UnresolvedAttribute.UnparsedIdentifier;
            case P.Expression.ExprTypeOneofCase.UnresolvedStar: return e.UnresolvedStar.HasUnparsedTarget ? e.UnresolvedStar.UnparsedTarget : "*";
            case P.Expression.ExprTypeOneofCase.UnresolvedRegex: return e.UnresolvedRegex.ColName;
            case P.Expression.ExprTypeOneofCase.ExpressionString: return e.ExpressionString.Expression;
            case P.Expression.ExprTypeOneofCase.Literal: return RenderLiteral(e.Literal);
            case P.Expression.ExprTypeOneofCase.Alias: return $"{Render(e.Alias.Expr)} AS {string.Join(", ", e.Alias.Name)}";
            case P.Expression.ExprTypeOneofCase.Cast:
                return $"CAST({Render(e.Cast.Expr)} AS {(e.Cast.HasTypeStr ? e.Cast.TypeStr : e.Cast.Type?.KindCase.ToString().ToUpperInvariant())})";
            case P.Expression.ExprTypeOneofCase.SortOrder:
                var s = e.SortOrder;
                return $"{Render(s.Child)} {(s.Direction == P.Expression.Types.SortOrder.Types.SortDirection.Descending ? "DESC" : "ASC")} NULLS {(s.NullOrdering == P.Expression.Types.SortOrder.Types.NullOrdering.SortNullsLast ? "LAST" : "FIRST")}";
            case P.Expression.ExprTypeOneofCase.UnresolvedExtractValue:
                return $"{Render(e.UnresolvedExtractValue.Child)}[{Render(e.UnresolvedExtractValue.Extraction)}]";
            case P.Expression.ExprTypeOneofCase.Window:
                return $"{Render(e.Window.WindowFunction)} OVER (...)";
            case P.Expression.ExprTypeOneofCase.UpdateFields:
                return $"update_fields({Render(e.UpdateFields.StructExpression)}, {e.UpdateFields.FieldName})";
            case P.Expression.ExprTypeOneofCase.UnresolvedFunction:
                var f = e.UnresolvedFunction;
                var args = f.Arguments.Select(Render).ToList();
                if (args.Count == 2 && Infix.Contains(f.FunctionName))
                    return $"({args[0]} {(f.FunctionName == "==" ? "=" : f.FunctionName.ToUpperInvariant() is "AND" or "OR" ? f.FunctionName.ToUpperInvariant() : f.FunctionName)} {args[1]})";
                if (f.FunctionName == "not" && args.Count == 1) return $"(NOT {args[0]})";
                if (f.FunctionName == "negative" && args.Count == 1) return $"(- {args[0]})";
                return $"{f.FunctionName}({(f.IsDistinct ? "DISTINCT " : "")}{string.Join(", ", args)})";
            default: return e.ExprTypeCase.ToString();
        }
    }

    private static string RenderLiteral(P.Expression.Types.Literal l) => l.LiteralTypeCase switch
    {
        P.Expression.Types.Literal.LiteralTypeOneofCase.Null => "NULL",
        P.Expression.Types.Literal.LiteralTypeOneofCase.String => "'" + l.String.Replace("'", "\\'") + "'",
        P.Expression.Types.Literal.LiteralTypeOneofCase.Boolean => l.Boolean ? "true" : "false",
        P.Expression.Types.Literal.LiteralTypeOneofCase.Byte => l.Byte.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Short => l.Short.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Integer => l.Integer.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Long => l.Long.ToString(CultureInfo.InvariantCulture) + "L",
        P.Expression.Types.Literal.LiteralTypeOneofCase.Float => l.Float.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Double => l.Double.ToString(CultureInfo.InvariantCulture),
        P.Expression.Types.Literal.LiteralTypeOneofCase.Decimal => l.Decimal.Value + "BD",
        P.Expression.Types.Literal.LiteralTypeOneofCase.Array => "array(" + string.Join(", ", l.Array.Elements.Select(RenderLiteral)) + ")",
        _ => l.LiteralTypeCase.ToString(),
    };
}
