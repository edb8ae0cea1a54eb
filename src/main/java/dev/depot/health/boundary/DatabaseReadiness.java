package dev.depot.health.boundary;

import dev.depot.health.control.DatabaseProbe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** {@code depot-database}: DOWN when the database is unreachable or its schema is not current. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

  @Inject DatabaseProbe probe;

  @Override
  public HealthCheckResponse call() {
    DatabaseProbe.Report report = probe.probe();
    HealthCheckResponseBuilder answer = HealthCheckResponse.named("depot-database").status(report.up());
    if (report.product() != null) {
      answer.withData("database", report.product());
    }
    if (report.schemaVersion() != null) {
      answer.withData("schema-version", report.schemaVersion());
    }
    if (!report.up()) {
      answer.withData("problem", report.problem());
    }
    return answer.build();
  }
}
