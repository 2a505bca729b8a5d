// The peer of InteractiveSpark.MlBench: ../shared/engines/peers/MlProbe.java's raw ML messages through Spark's own
// JVM client (which has no ML API), timed. Per round: VectorAssembler (MlRelation transform) + LogisticRegression fit
// (MlCommand.Fit), the intercept (MlCommand.Fetch), predictions (MlRelation transform of the model ref) drained
// without decoding. Prints one line per round: "round=K fit_ms=... fetch_ms=... transform_ms=... rows=...".
// usage: spark-connect-jvm MlPeer.java URL ROWS ROUNDS
import org.apache.spark.connect.proto.*;
import org.apache.spark.sql.connect.client.SparkConnectClient;

public class MlPeer {
  static Expression.Literal str(String s) { return Expression.Literal.newBuilder().setString(s).build(); }
  static Expression.Literal strs(String... xs) {
    Expression.Literal.Array.Builder a = Expression.Literal.Array.newBuilder()
        .setElementType(DataType.newBuilder().setString(DataType.String.getDefaultInstance()));
    for (String x : xs) a.addElements(str(x));
    return Expression.Literal.newBuilder().setArray(a).build();
  }

  public static void main(String[] args) throws Exception {
    SparkConnectClient client = SparkConnectClient.builder().connectionString(args[0]).build();
    long n = Long.parseLong(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Relation data = Relation.newBuilder().setSql(SQL.newBuilder().setQuery(
        "select cast(id % 2 as double) as label, rand(7) + (id % 2) * 0.5 as x1, rand(11) as x2 from range(" + n + ")")).build();
    Relation features = Relation.newBuilder().setMlRelation(MlRelation.newBuilder().setTransform(MlRelation.Transform.newBuilder()
        .setTransformer(MlOperator.newBuilder().setName("org.apache.spark.ml.feature.VectorAssembler").setUid("va_peer")
            .setType(MlOperator.OperatorType.OPERATOR_TYPE_TRANSFORMER))
        .setInput(data)
        .setParams(MlParams.newBuilder().putParams("inputCols", strs("x1", "x2")).putParams("outputCol", str("features"))))).build();
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      MlCommand fit = MlCommand.newBuilder().setFit(MlCommand.Fit.newBuilder()
          .setEstimator(MlOperator.newBuilder().setName("org.apache.spark.ml.classification.LogisticRegression").setUid("lr_peer")
              .setType(MlOperator.OperatorType.OPERATOR_TYPE_ESTIMATOR))
          .setParams(MlParams.newBuilder().putParams("maxIter", Expression.Literal.newBuilder().setInteger(20).build()))
          .setDataset(features)).build();
      String model = null;
      var it = client.execute(Plan.newBuilder().setCommand(Command.newBuilder().setMlCommand(fit)).build(), scala.Option.empty());
      while (it.hasNext()) { ExecutePlanResponse r = it.next(); if (r.hasMlCommandResult()) model = r.getMlCommandResult().getOperatorInfo().getObjRef().getId(); }
      it.close();
      long t1 = System.nanoTime();
      MlCommand fetch = MlCommand.newBuilder().setFetch(Fetch.newBuilder().setObjRef(ObjectRef.newBuilder().setId(model))
          .addMethods(Fetch.Method.newBuilder().setMethod("intercept"))).build();
      it = client.execute(Plan.newBuilder().setCommand(Command.newBuilder().setMlCommand(fetch)).build(), scala.Option.empty());
      double intercept = Double.NaN;
      while (it.hasNext()) { ExecutePlanResponse r = it.next(); if (r.hasMlCommandResult()) intercept = r.getMlCommandResult().getParam().getDouble(); }
      it.close();
      long t2 = System.nanoTime();
      Relation predictions = Relation.newBuilder().setMlRelation(MlRelation.newBuilder().setTransform(MlRelation.Transform.newBuilder()
          .setObjRef(ObjectRef.newBuilder().setId(model)).setInput(features))).build();
      long rows = 0;
      it = client.execute(Plan.newBuilder().setRoot(predictions).build(), scala.Option.empty());
      while (it.hasNext()) { ExecutePlanResponse r = it.next(); if (r.hasArrowBatch()) rows += r.getArrowBatch().getRowCount(); }
      it.close();
      long t3 = System.nanoTime();
      System.out.printf(java.util.Locale.ROOT, "round=%d fit_ms=%.1f fetch_ms=%.1f transform_ms=%.1f rows=%d intercept=%.6f%n",
          round, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, rows, intercept);
    }
    System.exit(0);
  }
}
