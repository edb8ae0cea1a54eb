package dev.depot.health.boundary;

import dev.depot.config.DepotSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code depot-settings}: DOWN while any setting is invalid, with one entry per setting saying why.
 * Depot keeps serving with the last good values meanwhile; DOWN is there so that monitoring notices an
 * operator's typo instead of it going unseen until the value matters.
 */
@Readiness
@ApplicationScoped
public class SettingsReadiness implements HealthCheck {

  @Inject DepotSettings settings;

  @Override
  public HealthCheckResponse call() {
    Map<String, String> problems = settings.problems();
    HealthCheckResponseBuilder answer = HealthCheckResponse.named("depot-settings").status(problems.isEmpty());
    problems.forEach(answer::withData);
    return answer.build();
  }
}
