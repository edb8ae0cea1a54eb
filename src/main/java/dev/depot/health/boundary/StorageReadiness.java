package dev.depot.health.boundary;

import dev.depot.health.control.StorageProbe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** {@code depot-storage}: DOWN when an upload could not be stored now. */
@Readiness
@ApplicationScoped
public class StorageReadiness implements HealthCheck {

  @Inject StorageProbe probe;

  @Override
  public HealthCheckResponse call() {
    StorageProbe.Report report = probe.probe();
    HealthCheckResponseBuilder answer =
        HealthCheckResponse.named("depot-storage").status(report.up()).withData("reserve-bytes", report.reserveBytes());
    if (report.freeBytes() >= 0) {
      answer.withData("free-bytes", report.freeBytes());
    }
    if (report.lowSpace()) {
      // Reported, not DOWN: uploads that do not fit get 507, reads and deletes go on (issue 11, item 14).
      answer.withData("low-space", true);
    }
    report.store().ifPresent(id -> answer.withData("store", id));
    report.recoveryStopped().ifPresent(why -> answer.withData("recovery", why));
    if (!report.up()) {
      answer.withData("problem", report.problem());
    }
    return answer.build();
  }
}
